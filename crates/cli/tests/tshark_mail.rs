//! SMTP, POP, IMAP, FTP (control connection) and SSH fields against tshark
//! 4.0, run now on the dev captures whose stored tshark table shows the
//! protocol (7 captures with SMTP, 4 with POP, 4 with IMAP, 10 with FTP, 6
//! with SSH). Messages come from the reassembled streams, as tshark shows
//! them. Prints the agreement per field and fails below the floors, which
//! sit a little under what was measured.
//!
//! What differs, and why (measured with the stream layer on):
//! - SMTP: the client's bytes are read as tshark's session state says
//!   (commands, AUTH LOGIN/PLAIN credentials after the server's 334, mail
//!   content from DATA to the `.` line, a segment that runs from commands
//!   into the mail being all content): every command and credential field
//!   agrees. One server reply after a capture hole (pcpp Smtp frame 3) is
//!   held by the reassembler. The frames a mail came in
//!   (smtp.data.fragment, its count and length) differ on 2 of 6 mails:
//!   zeek smtp.pcap's mail is partly quoted in ICMP errors, whose TCP
//!   segments tshark adds to the mail (frames 26-30) and then skips their
//!   retransmission (36); in suricata smtp-bug-5989 frame 25 overlaps a
//!   large segment and tshark drops its 842 new bytes as a retransmission,
//!   where the reassembler keeps them.
//! - IMF: a mail sent with SMTP shows on the frame of its `.` line; a mail
//!   (or its headers) fetched over IMAP shows after the FETCH response that
//!   carries it as a literal, one IMF layer per literal. Every capture where
//!   tshark shows IMF is compared: all agree but zeek
//!   pop3-bad-list-retr-crafted, where tshark hands each server segment
//!   after a LIST or RETR that is not a status line to IMF on its own (4
//!   values: a From, To and Subject cut mid-word, a MIME-Version of `1`
//!   from a LIST line). POP data lines carry no per-conversation state
//!   here, so they stay data.
//! - FTP: every field agrees on every capture but
//!   suricata entropy-03, a 227 reply line of 112 KB over 110 segments:
//!   tshark (which does not reassemble FTP lines) shows each segment as a
//!   response; here the line is one message cut at the 64 KiB bound. Without
//!   that capture every FTP field agrees at 100%.
//! - POP: the two greetings of suricata pop3-03 hold GBK bytes, which
//!   tshark prints as U+FFFD and our text sink as `\xNN` escapes.
//! - IMAP: every field but imap.isrequest agrees at 100% (lines with
//!   backslashes, `\Seen`, are printed as tshark 4.0 prints them, the
//!   backslash as it is). imap.isrequest is once per segment in
//!   tshark and once per line here, and tshark also gives it on each
//!   segment of a FETCH literal it waits for.
//! - SSH: a crafted KEXINIT whose length is not a multiple of 8 and whose
//!   lists do not fit (arkime_synthetic frame 812) reads as SSH 1 here;
//!   SSH 1 packets after a capture hole in arkime v6 are framed here where
//!   tshark asks for 4 bytes too few and loses them; pcpp ssh_packets
//!   starts mid-session with a clear KEXINIT that tshark, without the
//!   banners, shows as encrypted; zeek http-get-to-ssh-server's stream is
//!   HTTP by its content. ssh.direction is once per segment in tshark.
//!   (ssh.packet_length_encrypted and ssh.encrypted_packet are left out:
//!   tshark shows them only for sessions it did not see begin.)

mod common;
use common::fieldcmp::{self, Reference, Spec};

fn run(protocols: &[&str], fields: &[&str], floors: &[(&str, f64)]) {
    fieldcmp::compare(&Spec {
        fields,
        floors,
        default_floor: 99.9,
        protocols,
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}

#[test]
fn smtp_fields_agree_with_tshark() {
    run(
        &["smtp"],
        &[
            "smtp.req",
            "smtp.rsp",
            "smtp.command_line",
            "smtp.req.command",
            "smtp.req.parameter",
            "smtp.response",
            "smtp.response.code",
            "smtp.rsp.parameter",
            "smtp.auth.username",
            "smtp.auth.password",
            "smtp.auth.username_password",
            "smtp.data.fragment",
            "smtp.data.fragment.count",
            "smtp.data.reassembled.length",
        ],
        &[
            // Measured: 100 % but for the replies (97.6 %, the reply after
            // the hole) and the mail's frames (66.7 %, 4 of 6); before the
            // session state: requests 82.5 %, commands 89.2 %.
            ("smtp.rsp", 97.0),
            ("smtp.response", 97.0),
            ("smtp.response.code", 97.0),
            ("smtp.rsp.parameter", 97.0),
            ("smtp.data.fragment", 66.0),
            ("smtp.data.fragment.count", 66.0),
            ("smtp.data.reassembled.length", 66.0),
        ],
    );
}

#[test]
fn imf_fields_agree_with_tshark() {
    run(
        &["imf"],
        &[
            "imf.date",
            "imf.from",
            "imf.to",
            "imf.cc",
            "imf.subject",
            "imf.message_id",
            "imf.in_reply_to",
            "imf.reply_to",
            "imf.user_agent",
            "imf.ext.mailer",
            "imf.received",
            "imf.content.type",
            "imf.content.type.type",
            "imf.content.type.parameters",
            "imf.mime_version",
            "imf.extension",
            "imf.extension.type",
            "imf.extension.value",
        ],
        // Measured: 100 % but these (POP data segments).
        &[
            ("imf.from", 96.0),
            ("imf.to", 95.5),
            ("imf.subject", 96.0),
            ("imf.mime_version", 88.5),
        ],
    );
}

#[test]
fn ftp_fields_agree_with_tshark() {
    run(
        &["ftp"],
        &[
            "ftp.request",
            "ftp.response",
            "ftp.request.command",
            "ftp.request.arg",
            "ftp.response.code",
            "ftp.response.arg",
            "ftp.passive.ip",
            "ftp.passive.port",
            "ftp.active.cip",
            "ftp.active.port",
            "ftp.eprt.af",
            "ftp.eprt.ip",
            "ftp.eprt.ipv6",
            "ftp.eprt.port",
            "ftp.epsv.port",
        ],
        &[
            ("ftp.request", 62.0),
            ("ftp.response", 62.0),
            ("ftp.response.code", 98.0),
            ("ftp.response.arg", 47.5),
        ],
    );
}

#[test]
fn pop_fields_agree_with_tshark() {
    run(
        &["pop"],
        &[
            "pop.request",
            "pop.request.command",
            "pop.request.parameter",
            "pop.request.data",
            "pop.response",
            "pop.response.indicator",
            "pop.response.description",
            "pop.response.data",
        ],
        &[("pop.response.description", 88.5)],
    );
}

#[test]
fn imap_fields_agree_with_tshark() {
    run(
        &["imap"],
        &[
            "imap.isrequest",
            "imap.line",
            "imap.request",
            "imap.request_tag",
            "imap.request.command",
            "imap.request.command.uid",
            "imap.request.folder",
            "imap.response",
            "imap.response_tag",
            "imap.response.status",
            "imap.response.command",
            "imap.tag",
            "imap.command",
        ],
        &[("imap.isrequest", 28.0)],
    );
}

#[test]
fn ssh_fields_agree_with_tshark() {
    run(
        &["ssh"],
        &[
            "ssh.protocol",
            "ssh.packet_length",
            "ssh.padding_length",
            "ssh.message_code",
            "ssh.direction",
            "ssh.cookie",
            "ssh.kex_algorithms_length",
            "ssh.kex_algorithms",
            "ssh.server_host_key_algorithms",
            "ssh.encryption_algorithms_client_to_server",
            "ssh.encryption_algorithms_server_to_client",
            "ssh.mac_algorithms_client_to_server",
            "ssh.mac_algorithms_server_to_client",
            "ssh.compression_algorithms_client_to_server",
            "ssh.compression_algorithms_server_to_client",
            "ssh.languages_client_to_server_length",
            "ssh.languages_server_to_client_length",
            "ssh.first_kex_packet_follows",
            "ssh.kex.reserved",
            "ssh.padding_string",
        ],
        &[
            ("ssh.protocol", 93.0),
            ("ssh.packet_length", 90.0),
            ("ssh.padding_length", 88.0),
            ("ssh.message_code", 78.0),
            ("ssh.direction", 81.5),
            ("ssh.cookie", 71.0),
            ("ssh.kex_algorithms_length", 71.0),
            ("ssh.kex_algorithms", 71.0),
            ("ssh.server_host_key_algorithms", 71.0),
            ("ssh.encryption_algorithms_client_to_server", 71.0),
            ("ssh.encryption_algorithms_server_to_client", 71.0),
            ("ssh.mac_algorithms_client_to_server", 71.0),
            ("ssh.mac_algorithms_server_to_client", 71.0),
            ("ssh.compression_algorithms_client_to_server", 71.0),
            ("ssh.compression_algorithms_server_to_client", 71.0),
            ("ssh.languages_client_to_server_length", 83.0),
            ("ssh.languages_server_to_client_length", 83.0),
            ("ssh.first_kex_packet_follows", 83.0),
            ("ssh.kex.reserved", 83.0),
            ("ssh.padding_string", 81.5),
        ],
    );
}
