//! SMTP, POP, IMAP, FTP (control connection) and SSH fields against tshark
//! 4.0, run now on the dev captures whose stored tshark table shows the
//! protocol (7 captures with SMTP, 4 with POP, 4 with IMAP, 10 with FTP, 6
//! with SSH). Messages come from the reassembled streams, as tshark shows
//! them. Prints the agreement per field and fails below the floors, which
//! sit a little under what was measured.
//!
//! What differs, and why (measured with the stream layer on):
//! - SMTP (req.command 33 of 37 frames, reply code 41 of 42): AUTH LOGIN's
//!   base64 lines (3 frames) are commands or a user name to tshark
//!   depending on its AUTH state; without per-flow state they are not
//!   SMTP here. A client segment with EHLO, MAIL, RCPT, DATA and the mail
//!   after them is all "DATA fragment" to tshark (it looks at the last
//!   line); here the four commands show. One server reply after a capture
//!   hole (pcpp Smtp frame 3) is held by the reassembler.
//! - FTP: every field agrees on every capture but
//!   suricata entropy-03, a 227 reply line of 112 KB over 110 segments:
//!   tshark (which does not reassemble FTP lines) shows each segment as a
//!   response; here the line is one message cut at the 64 KiB bound. Without
//!   that capture every FTP field agrees at 100%.
//! - POP: the two greetings of suricata pop3-03 hold GBK bytes, which
//!   tshark prints as U+FFFD and our text sink as `\xNN` escapes.
//! - IMAP: the tag, command and status fields agree at 100%; imap.line and
//!   imap.request differ only where lines hold backslashes (`\Seen`), which
//!   tshark 4.0 prints unescaped. imap.isrequest is once per segment in
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
        ],
        &[
            // Measured: requests 82.5 % (33 of 40), commands 89.2 % (33 of
            // 37); every difference is one of the cases in the file's
            // comment (AUTH LOGIN state, a pipelined DATA segment). The
            // 84.6 % noted before could not be reproduced: the code as
            // committed then and now measures 89.2 %.
            ("smtp.req", 82.0),
            ("smtp.rsp", 97.0),
            ("smtp.command_line", 89.0),
            ("smtp.req.command", 89.0),
            ("smtp.req.parameter", 85.5),
            ("smtp.response", 97.0),
            ("smtp.response.code", 97.0),
            ("smtp.rsp.parameter", 97.0),
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
        &[
            ("imap.isrequest", 28.0),
            ("imap.line", 73.5),
            ("imap.request", 93.0),
        ],
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
