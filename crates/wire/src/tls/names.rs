//! tshark 4.0's names for TLS numbers (the Info column and the tree).

/// A handshake message type's name (`ssl_31_handshake_type`); `None` for a
/// type tshark does not know (its "Encrypted Handshake Message" test).
pub fn handshake_type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "Hello Request",
        1 => "Client Hello",
        2 => "Server Hello",
        3 => "Hello Verify Request",
        4 => "New Session Ticket",
        5 => "End of Early Data",
        6 => "Hello Retry Request",
        8 => "Encrypted Extensions",
        11 => "Certificate",
        12 => "Server Key Exchange",
        13 => "Certificate Request",
        14 => "Server Hello Done",
        15 => "Certificate Verify",
        16 => "Client Key Exchange",
        20 => "Finished",
        21 => "Client Certificate URL",
        22 => "Certificate Status",
        23 => "Supplemental Data",
        24 => "Key Update",
        25 => "Compressed Certificate",
        67 => "Encrypted Extensions",
        _ => return None,
    })
}

/// A record content type's name.
pub fn content_type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        20 => "Change Cipher Spec",
        21 => "Alert",
        22 => "Handshake",
        23 => "Application Data",
        24 => "Heartbeat",
        _ => return None,
    })
}

/// An alert level's name.
pub fn alert_level_name(l: u8) -> Option<&'static str> {
    match l {
        1 => Some("Warning"),
        2 => Some("Fatal"),
        _ => None,
    }
}

/// tshark's Info column for the records of a TLS or DTLS layer: the names
/// of what they carry, joined by `, `.
pub struct InfoList<'o> {
    out: &'o mut String,
    n: usize,
}

impl<'o> InfoList<'o> {
    pub fn new(out: &'o mut String) -> Self {
        InfoList { out, n: 0 }
    }

    /// One more name.
    pub fn put(&mut self, name: &str) {
        if self.n > 0 {
            self.out.push_str(", ");
        }
        self.out.push_str(name);
        self.n += 1;
    }

    /// More text for the last name (`(Fragment)`, …).
    pub fn more(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// An alert record, from its body's two bytes: `Alert (Level: Fatal,
    /// Description: Handshake Failure)` (`Unknown` for what is missing or
    /// unnamed).
    pub fn alert(&mut self, body: &[u8]) {
        let name = |i: usize, f: fn(u8) -> Option<&'static str>| {
            body.get(i).copied().and_then(f).unwrap_or("Unknown")
        };
        self.put("Alert (Level: ");
        self.more(name(0, alert_level_name));
        self.more(", Description: ");
        self.more(name(1, alert_description_name));
        self.more(")");
    }
}

/// An alert description's name.
pub fn alert_description_name(d: u8) -> Option<&'static str> {
    Some(match d {
        0 => "Close Notify",
        1 => "End of Early Data",
        10 => "Unexpected Message",
        20 => "Bad Record MAC",
        21 => "Decryption Failed",
        22 => "Record Overflow",
        30 => "Decompression Failure",
        40 => "Handshake Failure",
        41 => "No Certificate",
        42 => "Bad Certificate",
        43 => "Unsupported Certificate",
        44 => "Certificate Revoked",
        45 => "Certificate Expired",
        46 => "Certificate Unknown",
        47 => "Illegal Parameter",
        48 => "Unknown CA",
        49 => "Access Denied",
        50 => "Decode Error",
        51 => "Decrypt Error",
        60 => "Export Restriction",
        70 => "Protocol Version",
        71 => "Insufficient Security",
        80 => "Internal Error",
        86 => "Inappropriate Fallback",
        90 => "User Canceled",
        100 => "No Renegotiation",
        109 => "Missing Extension",
        110 => "Unsupported Extension",
        111 => "Certificate Unobtainable",
        112 => "Unrecognized Name",
        113 => "Bad Certificate Status Response",
        114 => "Bad Certificate Hash Value",
        115 => "Unknown PSK Identity",
        116 => "Certificate Required",
        120 => "No application Protocol",
        _ => return None,
    })
}

/// A protocol version's short name (`TLSv1.2`), as tshark's protocol column.
pub fn version_name(v: u16) -> Option<&'static str> {
    Some(match v {
        0x0002 => "SSLv2",
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        _ => return None,
    })
}
