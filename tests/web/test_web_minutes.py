"""Meeting minutes in the web app: through gradio_client (fast) and in a real browser (slow)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import RunningApp, open_tab, wait_for_text

MEETING = ("Alice: Welcome everyone. We decided to ship the new app on Friday.\n"
           "Bob: I will write the release notes by Thursday.\n"
           "Alice: Who owns the budget question?\n")


def minutes_args(audio: Any = None, transcript: Any = None, pasted: str = "", diarize: bool = False) -> tuple[Any, ...]:
    return (audio, transcript, pasted, "Weekly sync", "2026-11-27", "grounded", "", diarize, 0)


def test_pasted_transcript_gives_cited_minutes_and_every_download(client: Any, web_app: RunningApp) -> None:
    status, markdown, moments, transcript, names, files = client.predict(*minutes_args(pasted=MEETING),
                                                                         api_name="/minutes")
    assert "✅ Writing the minutes" in status
    assert markdown.startswith("# Meeting Minutes - Weekly sync")
    assert "**Bob**: Write the release notes (due 2026-12-03" in markdown
    kinds = {row[1]: row for row in moments["data"]}
    assert kinds["decision"][0] == "00:01" and "ship the new app on Friday" in kinds["decision"][2]
    assert [row[2] for row in transcript["data"]] == ["Alice", "Bob", "Alice"]
    assert names["data"] == [["Alice", "Alice"], ["Bob", "Bob"]]
    assert sorted(Path(f).name for f in files) == ["minutes.docx", "minutes.json", "minutes.md", "speakers.png",
                                                   "transcript.json", "transcript.srt", "transcript.vtt"]
    data = json.loads(Path(next(f for f in files if f.endswith("minutes.json"))).read_text())
    assert data["action_items"][0]["owner"] == "Bob"
    assert list((web_app.workspace / "jobs").rglob("minutes.docx"))


@pytest.mark.parametrize(("args", "needle"), [
    (minutes_args(), "No recording or transcript was given."),
    (minutes_args(pasted="   \n  "), "No recording or transcript was given."),
])
def test_missing_input_is_a_message(client: Any, args: tuple[Any, ...], needle: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=needle):
        client.predict(*args, api_name="/minutes")


def test_wrong_transcript_type_and_broken_json_are_messages(client: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    sheet = tmp_path / "notes.csv"
    sheet.write_text("a,b\n")
    with pytest.raises(AppError, match=r"Invalid file type.*'.json', '.md', '.text', '.txt'"):
        client.predict(*minutes_args(transcript=handle_file(str(sheet))), api_name="/minutes")
    broken = tmp_path / "meeting.json"
    broken.write_text("{not json")
    with pytest.raises(AppError, match="is not valid JSON"):
        client.predict(*minutes_args(transcript=handle_file(str(broken))), api_name="/minutes")


def test_jfk_recording_gives_minutes(client: Any, shared_testdata: Path) -> None:
    from gradio_client import handle_file

    status, markdown, _, transcript, _, files = client.predict(
        *minutes_args(audio=handle_file(str(shared_testdata / "audio" / "jfk.wav"))), api_name="/minutes")
    assert "✅ Transcribing" in status
    assert "ask not what your country can do for you" in markdown.lower()
    assert transcript["data"][0][0] == "00:00.000"
    assert "transcript.srt" in {Path(f).name for f in files}


@pytest.mark.slow
def test_browser_jfk_minutes_seek_rename_and_download(page: Any, shared_testdata: Path) -> None:
    """Upload jfk.wav, get minutes with speakers, click a transcript line to seek, rename the speaker, download."""
    open_tab(page, "Meeting minutes")
    page.locator("#minutes-audio input[type=file]").set_input_files(str(shared_testdata / "audio" / "jfk.wav"))
    wait_for_text(page, "#minutes-audio", "0:11")
    page.locator("#minutes-run").click()
    wait_for_text(page, "#minutes-rendered", "ask not what your country", timeout=240_000)
    assert "✅ Finding who spoke" in page.locator("#minutes-status").inner_text()
    transcript = wait_for_text(page, "#minutes-transcript", "SPEAKER_00")
    assert "00:08.020" in transcript
    page.locator("#minutes-transcript").get_by_test_id("cell-1-0").click()
    wait_for_text(page, "#minutes-audio", "0:08")
    page.get_by_text("Rename speakers").click()
    page.locator("#minutes-names").get_by_test_id("cell-0-1").dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("John Kennedy")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Apply names").click()
    wait_for_text(page, "#minutes-transcript", "John Kennedy")
    assert "John Kennedy" in wait_for_text(page, "#minutes-rendered", "Attendees")
    with page.expect_download() as download:
        page.locator("#minutes-files a[download='minutes.md']").click()
    assert "John Kennedy" in Path(download.value.path()).read_text()


@pytest.mark.slow
def test_stop_cancels_a_long_job_and_other_users_are_not_blocked(client: Any, web_app: RunningApp,
                                                                  shared_testdata: Path) -> None:
    """While one user's minutes run, another request completes; Stop ends the job before it writes anything."""
    import time

    from gradio_client import handle_file

    before = set(web_app.workspace.rglob("minutes.md"))
    job = client.submit(*minutes_args(audio=handle_file(str(shared_testdata / "audio" / "jfk.wav")), diarize=True),
                        api_name="/minutes")
    deadline = time.time() + 60
    while not any("Reading the audio" in (out[0] or "") for out in job.outputs()) and time.time() < deadline:
        time.sleep(0.2)
    _, counts = client.predict(["smollm2-135m-instruct"], "Text", "Hello", "", True, api_name="/tokenize")
    assert counts["data"][0][2] == 1
    assert not job.done(), "the minutes job should still be running while the other request was served"
    started = time.time()
    assert job.cancel()
    assert time.time() - started < 5
    time.sleep(45)  # longer than the rest of the job would take on a busy CI machine
    assert set(web_app.workspace.rglob("minutes.md")) == before


def test_transcript_streams_in_before_the_minutes(client: Any, shared_testdata: Path) -> None:
    from gradio_client import handle_file

    job = client.submit(*minutes_args(audio=handle_file(str(shared_testdata / "audio" / "jfk.wav"))),
                        api_name="/minutes")
    final = job.result()
    updates = job.outputs()
    early = [u for u in updates[:-1] if u[3] and isinstance(u[3], dict) and u[3].get("data")]
    assert early, "no transcript rows arrived before the minutes were written"
    assert "Writing the minutes" not in early[0][0]
    assert early[0][3]["data"][0][0] == "00:00.000" and "fellow Americans" in early[0][3]["data"][0][3]
    assert "ask not what your country" in final[1].lower()
