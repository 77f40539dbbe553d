//! DTLS fields against tshark 4.0, run now on the dev captures whose stored
//! tshark table shows `dtls` in frame.protocols, and the frames that show
//! `dtls` in frame.protocols against the stored tables. Prints the
//! agreement per field and fails below the floors.
//!
//! A handshake message sent in fragments (zeek
//! tls-dtls-sequence-number-jumps frames 1-3, a ClientHello in three
//! pieces) is put together as tshark does: the body's fields show on the
//! frame of the fragment that completes it ("Client Hello (Reassembled)").
//!
//! What differs, and why:
//! - frame.protocols: tshark adds the X.509 protocols (`x509sat`, `x509ce`,
//!   …) its certificate dissector finds after `dtls`, and `ethertype`; only
//!   which frames carry `dtls` is compared.

mod common;
use common::fieldcmp::{self, Reference, Spec};

const FIELDS: &[&str] = &[
    "dtls.record.content_type",
    "dtls.record.version",
    "dtls.record.epoch",
    "dtls.record.sequence_number",
    "dtls.record.length",
    "dtls.handshake.type",
    "dtls.handshake.length",
    "dtls.handshake.message_seq",
    "dtls.handshake.fragment_offset",
    "dtls.handshake.fragment_length",
    "dtls.handshake.version",
    "dtls.handshake.random",
    "dtls.handshake.session_id_length",
    "dtls.handshake.session_id",
    "dtls.handshake.cookie_length",
    "dtls.handshake.cookie",
    "dtls.handshake.cipher_suites_length",
    "dtls.handshake.ciphersuite",
    "dtls.handshake.comp_method",
    "dtls.handshake.extensions_length",
    "dtls.handshake.extension.type",
    "dtls.handshake.extension.len",
    "dtls.handshake.extensions_server_name",
    "dtls.handshake.extensions_alpn_str",
    "dtls.handshake.extensions_supported_group",
    "dtls.handshake.sig_hash_alg",
    "dtls.handshake.certificate_length",
    "dtls.handshake.certificate",
    "dtls.handshake.server_named_curve",
    "dtls.handshake.session_ticket_lifetime_hint",
    "dtls.alert_message.level",
    "dtls.alert_message.desc",
    "dtls.app_data",
];

/// Measured: 100 % of 410 values over 7 captures (release build).
const FLOORS: &[(&str, f64)] = &[];

#[test]
fn dtls_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: FIELDS,
        floors: FLOORS,
        default_floor: 99.9,
        protocols: &["dtls"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}

/// The frames whose frame.protocols holds `dtls`, in the stored tshark
/// table and in ours, are the same on every capture that has DTLS.
#[test]
fn dtls_frames_are_tsharks() {
    let Some(shared) = common::shared() else {
        return;
    };
    let caps = fieldcmp::captures_with(&shared, &["dtls"]);
    assert!(caps.len() >= 7, "DTLS dev captures: {caps:?}");
    let dtls_frames = |table: &str| -> Vec<String> {
        let mut lines = table.lines();
        let head: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let num = head.iter().position(|c| *c == "frame.number").unwrap();
        let prot = head.iter().position(|c| *c == "frame.protocols").unwrap();
        lines
            .filter_map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                let p = cols.get(prot)?;
                p.split(':')
                    .any(|t| t == "dtls")
                    .then(|| cols.get(num).unwrap_or(&"").to_string())
            })
            .collect()
    };
    for cap in &caps {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let stored =
            std::fs::read_to_string(shared.join(format!("captures/tshark-ref/{name}.tsv")))
                .unwrap();
        let out = common::run(&[
            "-r",
            common::arg(cap),
            "-T",
            "fields",
            "-E",
            "header=y",
            "-e",
            "frame.number",
            "-e",
            "frame.protocols",
        ]);
        let ours = common::stdout_of(&out);
        assert_eq!(dtls_frames(&ours), dtls_frames(&stored), "{name}");
    }
}
