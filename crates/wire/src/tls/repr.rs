//! Builders: plain values that emit records and handshake messages with
//! correct lengths, and parse back from the views.
//!
//! Lengths too large for their prefix are cut to what the prefix can say
//! (the builders never panic); keep values within the protocol's limits for
//! a faithful round trip.

use super::handshake::{Certificates, ClientHello, Extension, ServerHello};
use super::{content_type, extension_type as ext, handshake_type, Record, TlsView};

fn put16(buf: &mut Vec<u8>, n: usize) {
    buf.extend_from_slice(&(n.min(0xffff) as u16).to_be_bytes());
}

fn put24(buf: &mut Vec<u8>, n: usize) {
    let n = n.min(0xff_ffff) as u32;
    buf.extend_from_slice(&n.to_be_bytes()[1..]);
}

/// Append `data` after a `size`-byte length prefix.
fn vector(buf: &mut Vec<u8>, size: usize, data: &[u8]) {
    let max = (1usize << (8 * size)) - 1;
    let data = data.get(..data.len().min(max)).unwrap_or(data);
    match size {
        1 => buf.push(data.len() as u8),
        2 => put16(buf, data.len()),
        _ => put24(buf, data.len()),
    }
    buf.extend_from_slice(data);
}

fn u16s(vals: &[u16]) -> Vec<u8> {
    vals.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// Append a handshake message: type, 24-bit length, body.
pub fn emit_handshake(buf: &mut Vec<u8>, msg_type: u8, body: &[u8]) {
    buf.push(msg_type);
    vector(buf, 3, body);
}

/// One record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRepr {
    pub content_type: u8,
    pub version: u16,
    pub body: Vec<u8>,
}

impl RecordRepr {
    pub fn parse(r: &Record) -> Self {
        RecordRepr {
            content_type: r.content_type,
            version: r.version,
            body: r.body.to_vec(),
        }
    }

    /// A handshake record holding `messages` (already emitted).
    pub fn handshake(version: u16, messages: Vec<u8>) -> Self {
        RecordRepr {
            content_type: content_type::HANDSHAKE,
            version,
            body: messages,
        }
    }

    /// Append the 5-byte header (length = body length) and the body.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.push(self.content_type);
        buf.extend_from_slice(&self.version.to_be_bytes());
        vector(buf, 2, &self.body);
    }
}

/// A run of records (what a view covers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsRepr {
    pub records: Vec<RecordRepr>,
}

impl TlsRepr {
    pub fn parse(v: &TlsView) -> Self {
        TlsRepr {
            records: v.records().map(|r| RecordRepr::parse(&r)).collect(),
        }
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        for r in &self.records {
            r.emit(buf);
        }
    }
}

/// One hello extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionRepr {
    pub typ: u16,
    pub data: Vec<u8>,
}

impl ExtensionRepr {
    pub fn parse(e: &Extension) -> Self {
        ExtensionRepr {
            typ: e.typ,
            data: e.data.to_vec(),
        }
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.typ.to_be_bytes());
        vector(buf, 2, &self.data);
    }

    /// server_name with one host name.
    pub fn server_name(host: &[u8]) -> Self {
        let mut entry = vec![0u8];
        vector(&mut entry, 2, host);
        let mut data = Vec::new();
        vector(&mut data, 2, &entry);
        ExtensionRepr {
            typ: ext::SERVER_NAME,
            data,
        }
    }

    /// application_layer_protocol_negotiation with these protocols.
    pub fn alpn(protocols: &[&[u8]]) -> Self {
        let mut list = Vec::new();
        for p in protocols {
            vector(&mut list, 1, p);
        }
        let mut data = Vec::new();
        vector(&mut data, 2, &list);
        ExtensionRepr {
            typ: ext::ALPN,
            data,
        }
    }

    /// supported_versions as a ClientHello offers them.
    pub fn supported_versions(versions: &[u16]) -> Self {
        let mut data = Vec::new();
        vector(&mut data, 1, &u16s(versions));
        ExtensionRepr {
            typ: ext::SUPPORTED_VERSIONS,
            data,
        }
    }

    /// supported_versions as a ServerHello selects one.
    pub fn selected_version(version: u16) -> Self {
        ExtensionRepr {
            typ: ext::SUPPORTED_VERSIONS,
            data: version.to_be_bytes().to_vec(),
        }
    }

    /// A 2-byte-length list of 16-bit values (supported_groups,
    /// signature_algorithms, …).
    pub fn list16(typ: u16, vals: &[u16]) -> Self {
        let mut data = Vec::new();
        vector(&mut data, 2, &u16s(vals));
        ExtensionRepr { typ, data }
    }

    /// ec_point_formats.
    pub fn ec_point_formats(formats: &[u8]) -> Self {
        let mut data = Vec::new();
        vector(&mut data, 1, formats);
        ExtensionRepr {
            typ: ext::EC_POINT_FORMATS,
            data,
        }
    }

    /// key_share as a ClientHello sends it: (group, key exchange) entries.
    pub fn key_share_client(entries: &[(u16, &[u8])]) -> Self {
        let mut list = Vec::new();
        for (g, k) in entries {
            list.extend_from_slice(&g.to_be_bytes());
            vector(&mut list, 2, k);
        }
        let mut data = Vec::new();
        vector(&mut data, 2, &list);
        ExtensionRepr {
            typ: ext::KEY_SHARE,
            data,
        }
    }
}

fn emit_extensions(buf: &mut Vec<u8>, exts: &Option<Vec<ExtensionRepr>>) {
    if let Some(exts) = exts {
        let mut block = Vec::new();
        for e in exts {
            e.emit(&mut block);
        }
        vector(buf, 2, &block);
    }
}

/// A ClientHello.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHelloRepr {
    pub version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suites: Vec<u16>,
    pub compression_methods: Vec<u8>,
    /// `None`: no extensions block at all.
    pub extensions: Option<Vec<ExtensionRepr>>,
}

impl ClientHelloRepr {
    pub fn parse(ch: &ClientHello) -> Self {
        ClientHelloRepr {
            version: ch.version(),
            random: ch
                .random()
                .and_then(|r| r.try_into().ok())
                .unwrap_or([0; 32]),
            session_id: ch.session_id().to_vec(),
            cipher_suites: ch.cipher_suites().collect(),
            compression_methods: ch.compression_methods().to_vec(),
            extensions: ch
                .has_extensions()
                .then(|| ch.extensions().map(|e| ExtensionRepr::parse(&e)).collect()),
        }
    }

    /// The message body.
    pub fn body(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&self.version.to_be_bytes());
        b.extend_from_slice(&self.random);
        vector(&mut b, 1, &self.session_id);
        vector(&mut b, 2, &u16s(&self.cipher_suites));
        vector(&mut b, 1, &self.compression_methods);
        emit_extensions(&mut b, &self.extensions);
        b
    }

    /// Append the whole handshake message (type, length, body).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        emit_handshake(buf, handshake_type::CLIENT_HELLO, &self.body());
    }
}

/// A ServerHello.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHelloRepr {
    pub version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suite: u16,
    pub compression_method: u8,
    pub extensions: Option<Vec<ExtensionRepr>>,
}

impl ServerHelloRepr {
    pub fn parse(sh: &ServerHello) -> Self {
        ServerHelloRepr {
            version: sh.version(),
            random: sh
                .random()
                .and_then(|r| r.try_into().ok())
                .unwrap_or([0; 32]),
            session_id: sh.session_id().to_vec(),
            cipher_suite: sh.cipher_suite().unwrap_or(0),
            compression_method: sh.compression_method().unwrap_or(0),
            extensions: sh
                .exts
                .is_some()
                .then(|| sh.extensions().map(|e| ExtensionRepr::parse(&e)).collect()),
        }
    }

    pub fn body(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&self.version.to_be_bytes());
        b.extend_from_slice(&self.random);
        vector(&mut b, 1, &self.session_id);
        b.extend_from_slice(&self.cipher_suite.to_be_bytes());
        b.push(self.compression_method);
        emit_extensions(&mut b, &self.extensions);
        b
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        emit_handshake(buf, handshake_type::SERVER_HELLO, &self.body());
    }
}

/// A Certificate message (TLS 1.2 and earlier form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRepr {
    /// DER bytes of each certificate, server's first.
    pub certificates: Vec<Vec<u8>>,
}

impl CertificateRepr {
    pub fn parse(c: Certificates) -> Self {
        CertificateRepr {
            certificates: c.map(|(_, der)| der.to_vec()).collect(),
        }
    }

    pub fn body(&self) -> Vec<u8> {
        let mut list = Vec::new();
        for c in &self.certificates {
            vector(&mut list, 3, c);
        }
        let mut b = Vec::new();
        vector(&mut b, 3, &list);
        b
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        emit_handshake(buf, handshake_type::CERTIFICATE, &self.body());
    }
}
