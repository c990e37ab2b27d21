// Copies the front-end files the app serves from node_modules into the package's static/vendor
// folder and records each library's version (vendor/VERSIONS.json), so no page loads a CDN.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "src", "twitchwise", "web", "static", "vendor");

const FILES = {
  "htmx.org": ["dist/htmx.min.js", "LICENSE"],
  "swagger-ui-dist": ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"],
};

rmSync(target, { recursive: true, force: true });
const versions = {};
for (const [pkg, files] of Object.entries(FILES)) {
  const root = join(here, "node_modules", pkg);
  const meta = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const out = join(target, pkg);
  mkdirSync(out, { recursive: true });
  for (const file of files) {
    copyFileSync(join(root, file), join(out, file.split("/").pop()));
  }
  versions[pkg] = { version: meta.version, license: meta.license, files: files.map((f) => f.split("/").pop()) };
}
writeFileSync(join(target, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendored ${Object.keys(versions).map((p) => `${p}@${versions[p].version}`).join(", ")}`);
