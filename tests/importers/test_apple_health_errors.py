"""Files that cannot be imported give one clear error, whatever the damage."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from twitchwise.importers import ImporterError
from twitchwise.importers.apple_health import AppleHealthError, read_export

DATA = Path(__file__).resolve().parent.parent / "data" / "apple-health"
ZIP = DATA / "k0rventen-apple-health-grafana-test-export.zip"


def xml_bytes() -> bytes:
    with zipfile.ZipFile(ZIP) as zf:
        return zf.read("apple_health_export/export.xml")


def test_error_is_an_importer_error() -> None:
    assert issubclass(AppleHealthError, ImporterError)
    assert issubclass(AppleHealthError, ValueError)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AppleHealthError, match="no such file"):
        read_export(tmp_path / "export.zip")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(AppleHealthError, match="is a folder"):
        read_export(tmp_path)


@pytest.mark.parametrize("parallel", [False, True])
def test_truncated_zip(tmp_path: Path, parallel: bool) -> None:
    raw = ZIP.read_bytes()
    path = tmp_path / "export.zip"
    path.write_bytes(raw[: len(raw) * 2 // 3])
    with pytest.raises(AppleHealthError, match="damaged or incomplete"):
        read_export(path, parallel=parallel)


def test_zip_whose_deflate_data_is_corrupt(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("apple_health_export/export.xml", xml_bytes())
    raw = bytearray(buf.getvalue())
    middle = len(raw) // 2
    raw[middle : middle + 64] = bytes(64)
    path = tmp_path / "export.zip"
    path.write_bytes(bytes(raw))
    with pytest.raises(AppleHealthError, match="damaged or incomplete"):
        read_export(path)


def test_zip_without_a_health_export(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "apple_health_export/export_cda.xml", '<?xml version="1.0"?><ClinicalDocument/>'
        )
        zf.writestr("apple_health_export/workout-routes/route.gpx", "<gpx/>")
        zf.writestr("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(100))
    with pytest.raises(AppleHealthError, match="holds no Apple Health export"):
        read_export(path)


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(random.Random(4).randbytes(5000))
    with pytest.raises(AppleHealthError, match="is not an Apple Health export"):
        read_export(path)


def test_other_xml(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text('<?xml version="1.0"?>\n<gpx><trk/></gpx>\n')
    with pytest.raises(AppleHealthError, match="is not an Apple Health export"):
        read_export(path)


@pytest.mark.parametrize("parallel", [False, True])
def test_truncated_xml(tmp_path: Path, parallel: bool) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(xml_bytes()[:2_000_000])
    with pytest.raises(AppleHealthError, match="damaged or incomplete"):
        read_export(path, parallel=parallel)


def test_missing_root_close(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(xml_bytes().replace(b"</HealthData>", b""))
    with pytest.raises(AppleHealthError, match="damaged or incomplete"):
        read_export(path)


def test_unbalanced_tag_in_a_skipped_record_is_found(tmp_path: Path) -> None:
    raw = xml_bytes()
    broken = raw.replace(b"</HeartRateVariabilityMetadataList>", b"", 1)
    path = tmp_path / "export.xml"
    path.write_bytes(broken)
    with pytest.raises(AppleHealthError, match=r"line \d+"):
        read_export(path)


def test_invalid_utf8_in_a_skipped_record_is_found(tmp_path: Path) -> None:
    raw = xml_bytes()
    broken = raw.replace(b'value="HKCategoryValueAppleStandHourIdle"', b'value="\xff\xfe"', 1)
    assert broken != raw
    path = tmp_path / "export.xml"
    path.write_bytes(broken)
    with pytest.raises(AppleHealthError, match="damaged or incomplete"):
        read_export(path)


def test_garbage_after_the_root(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(xml_bytes() + b"<Record/>")
    with pytest.raises(AppleHealthError, match="damaged or incomplete"):
        read_export(path)


def test_without_a_second_process_the_check_runs_inline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-python-here"))
    good = read_export(ZIP, parallel=True)
    assert good.summary.days == 293
    path = tmp_path / "export.xml"
    path.write_bytes(xml_bytes()[:1_000_000])
    with pytest.raises(AppleHealthError, match="damaged or incomplete"):
        read_export(path, parallel=True)
