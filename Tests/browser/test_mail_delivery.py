"""The e-mails as a mail system sees them.

Every .eml of the sample month and of a generated month is read back with
Python's standard-library e-mail parser (RFC 5322 policy) and then delivered
to a local SMTP server (a strict one, written here on the standard library:
it offers no extension, so the messages must be 7-bit, and it refuses bare
line feeds and lines over SMTP's 1,000 octets). What the server receives must
be the file, byte for byte, for the recipient the manifest names.
"""
import email
import email.policy
import json
import pathlib
import smtplib
import socketserver
import subprocess
import threading

import pytest

from test_pages import ROOT, SAMPLE, fatura_binary

GENERATED = 3000


def render(source, out):
    result = subprocess.run([fatura_binary(), "render", str(source), "--out", str(out), "--quiet"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode in (0, 3), result.stderr
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    mails = []
    for entry in manifest:
        for path in entry["files"]:
            if path.endswith(".eml"):
                mails.append((out / path, entry))
    return mails


@pytest.fixture(scope="module")
def mails(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mail")
    month = folder / "month.xml"
    generated = subprocess.run([fatura_binary(), "generate", str(GENERATED), "--out", str(month)], cwd=ROOT,
                               capture_output=True, text=True)
    assert generated.returncode == 0, generated.stderr
    sample = render(SAMPLE, folder / "sample")
    month_mails = render(month, folder / "generated")
    assert len(sample) == 4, "the sample month has two e-mail and two relative-email bills"
    assert len(month_mails) > GENERATED // 3
    return sample + month_mails


def test_every_mail_parses_without_defect(mails):
    for path, entry in mails:
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert not message.defects, (path, message.defects)
        assert message.get_content_type() == "multipart/alternative", path
        parts = list(message.iter_parts())
        assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"], path
        for part in parts:
            assert not part.defects, (path, part.defects)
            assert part.get_content_charset() == "utf-8", path
            body = part.get_content()
            assert entry["account"] in body, (path, "the bill's account is in each part")
        assert message["to"].addresses[0].addr_spec == entry["recipient"], path
        assert message["message-id"] == f"<{entry['period']}.{entry['account']}@" + message["message-id"].split("@")[1]
        subject = str(message["subject"])
        assert subject.endswith(" · " + entry["account"]), (path, subject)
        assert "Electricity and water bill" in subject and "فاتورة الكهرباء والماء" in subject, (path, subject)


class StrictSMTP(socketserver.StreamRequestHandler):
    """A minimal SMTP server (RFC 5321) that keeps what it receives."""

    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self):
        self.reply("220 localhost strict test server")
        sender, recipients, faults = None, [], []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.rstrip(b"\r\n").decode("ascii")
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                sender, recipients = command[10:].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go on")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if chunk == b".\r\n":
                        break
                    if not chunk.endswith(b"\r\n") or b"\n" in chunk[:-2] or b"\r" in chunk[:-2]:
                        faults.append("a line without CRLF, or a bare CR or LF")
                    if len(chunk) > 1000:
                        faults.append(f"a line of {len(chunk)} octets")
                    if any(byte > 127 for byte in chunk):
                        faults.append("an 8-bit octet, with no 8BITMIME offered")
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append((sender, recipients, bytes(data), faults))
                faults = []
                self.reply("250 queued")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


def test_every_mail_is_delivered_as_written(mails):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), StrictSMTP)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with smtplib.SMTP("127.0.0.1", server.server_address[1]) as client:
            assert not client.has_extn("8bitmime")
            for path, entry in mails:
                raw = path.read_bytes()
                sender = email.message_from_bytes(raw, policy=email.policy.default)["from"].addresses[0].addr_spec
                refused = client.sendmail(sender, [entry["recipient"]], raw)
                assert not refused, (path, refused)
    finally:
        server.shutdown()
        server.server_close()
    assert len(server.received) == len(mails)
    for (path, entry), (sender, recipients, data, faults) in zip(mails, server.received):
        assert not faults, (path, faults)
        assert recipients == [entry["recipient"]], path
        raw = path.read_bytes()
        assert data == (raw if raw.endswith(b"\r\n") else raw + b"\r\n"), (path, "received as written")
