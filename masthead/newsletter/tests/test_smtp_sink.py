"""The test and benchmark SMTP sink counts what it accepted, cheaply enough to be polled
while it is being timed."""

import smtplib

from masthead.newsletter.smtp_sink import SinkProcess


def _send(port: int, recipients: list[str]) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for number, recipient in enumerate(recipients):
            smtp.sendmail(
                "news@example.org",
                [recipient],
                f"Subject: Hello\r\nMessage-ID: <{number}.{recipient}>\r\n\r\nBody\r\n",
            )


def test_the_accepted_count_reads_only_what_was_appended_and_agrees_with_the_record(tmp_path):
    with SinkProcess(tmp_path / "sink") as sink:
        assert sink.accepted_count() == 0
        _send(sink.port, ["a@example.org", "b@example.org", "c@example.org"])
        assert sink.accepted_count() == 3
        read_up_to = sink._counted_bytes
        _send(sink.port, ["d@example.org", "e@example.org"])
        assert sink.accepted_count() == 5
        assert sink._counted_bytes > read_up_to
        assert sink.accepted_count() == 5 == len(sink.accepted())
        assert sink.accepted()[3] == ("d@example.org", "<0.d@example.org>")


def test_a_line_being_written_is_counted_once_it_is_whole(tmp_path):
    sink = SinkProcess(tmp_path)
    sink.record.write_bytes(b"a@example.org\t<1@x>\nb@example.org\t<2")
    assert sink.accepted_count() == 1
    with sink.record.open("ab") as record:
        record.write(b"@x>\n")
    assert sink.accepted_count() == 2


def test_the_sink_offers_pipelining_and_answers_pipelined_commands_in_order(tmp_path):
    with SinkProcess(tmp_path / "sink") as sink, smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("pipelining")
        smtp.send("MAIL FROM:<news@example.org>\r\nRCPT TO:<a@example.org>\r\nDATA\r\n")
        assert [smtp.getreply()[0] for _ in range(3)] == [250, 250, 354]
        smtp.send("Subject: Hi\r\nMessage-ID: <1@x>\r\n\r\nBody\r\n.\r\n")
        assert smtp.getreply()[0] == 250
    assert sink.accepted() == [("a@example.org", "<1@x>")]


def test_the_sink_can_leave_pipelining_out(tmp_path):
    with (
        SinkProcess(tmp_path / "sink", pipelining=False) as sink,
        smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp,
    ):
        smtp.ehlo()
        assert not smtp.has_extn("pipelining")
