//! Frame Relay (link type 107): the Q.922 address, then either RFC 2427
//! (FRF.3.2) multiprotocol encapsulation or Cisco's.
//!
//! The address is 2 to 4 octets, each ending in an EA bit (1 on the last):
//! the first holds 6 DLCI bits and C/R, the second 4 DLCI bits and FECN,
//! BECN, DE; a third octet without EA holds 7 more DLCI bits; the final
//! octet of a 3- or 4-octet address holds either 6 more DLCI bits or, when
//! its DC bit is set, DL-CORE control. (tshark skips further octets without
//! EA as bogus, and takes a first octet with EA as a bogus 1-octet address,
//! DLCI 0.)
//!
//! What follows is chosen as tshark 4.0 chooses it:
//! - a UI control byte (0x03) means RFC 2427: control, an optional 0x00
//!   pad, the NLPID (0xcc IPv4, 0x8e IPv6, 0xcf PPP, 0x80 SNAP with an OUI
//!   and protocol id; 0x08 Q.933 and the OSI NLPIDs 0x00, 0x81, 0x82, 0x83,
//!   whose protocols include the NLPID in their own header);
//! - otherwise, on DLCI 0, LAPF (not decoded: data), and control 0xaf is
//!   XID (data);
//! - otherwise, when the next two bytes are a Cisco HDLC protocol tshark
//!   knows, Cisco encapsulation;
//! - otherwise RFC 2427 again if an NLPID tshark knows sits behind a
//!   (2-byte) control field, else an Ethernet frame (with FCS) if bytes
//!   12-13 read as a length or a known EtherType, else data.

use crate::bytes::{be16, be24, u8_at};
use crate::error::Error;
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Address bits.
mod bit {
    pub const EA: u8 = 0x01;
    pub const CR: u8 = 0x02;
    /// In the final octet of a 3- or 4-octet address.
    pub const DC: u8 = 0x02;
    pub const FECN: u8 = 0x08;
    pub const BECN: u8 = 0x04;
    pub const DE: u8 = 0x02;
}

/// Network layer protocol ids after the control field.
pub mod nlpid {
    pub const CLNP_PAD: u8 = 0x00;
    pub const Q933: u8 = 0x08;
    pub const LMI: u8 = 0x09;
    pub const SNAP: u8 = 0x80;
    pub const CLNP: u8 = 0x81;
    pub const ESIS: u8 = 0x82;
    pub const ISIS: u8 = 0x83;
    pub const IPV6: u8 = 0x8e;
    pub const WCP: u8 = 0xb0;
    pub const IPV4: u8 = 0xcc;
    pub const PPP: u8 = 0xcf;
}

/// The UI control byte.
pub const CONTROL_UI: u8 = 0x03;
/// The XID control byte tshark sets apart.
const CONTROL_XID: u8 = 0xaf;

/// NLPIDs whose protocols count the NLPID as their own first byte.
fn nlpid_included(n: u8) -> bool {
    matches!(
        n,
        0x00 | nlpid::Q933 | nlpid::CLNP | nlpid::ESIS | nlpid::ISIS
    )
}

/// NLPIDs tshark has a dissector for behind Frame Relay.
fn nlpid_known(n: u8) -> bool {
    nlpid_included(n)
        || matches!(
            n,
            nlpid::SNAP | nlpid::LMI | nlpid::IPV6 | nlpid::WCP | nlpid::IPV4 | nlpid::PPP
        )
}

/// Cisco HDLC protocols tshark 4.0 dissects (its `chdlc.protocol` table).
pub fn is_cisco_type(t: u16) -> bool {
    matches!(
        t,
        0x0111
            | 0x0600
            | 0x0800
            | 0x2000
            | 0x4242
            | 0x6003
            | 0x6558
            | 0x8035
            | 0x8038
            | 0x809b
            | 0x80f3
            | 0x8137
            | 0x86dd
            | 0x8847
            | 0x8848
            | 0xfefe
    )
}

/// EtherTypes tshark 4.0 has a dissector for (its `ethertype` table),
/// sorted: the test for raw Ethernet after the address.
const KNOWN_ETHERTYPES: [u16; 160] = [
    0x0059, 0x0061, 0x0065, 0x0067, 0x00fd, 0x0600, 0x0641, 0x0643, 0x0644, 0x0645, 0x0712, 0x0713,
    0x0800, 0x0806, 0x0842, 0x08f0, 0x08ff, 0x0bad, 0x0baf, 0x0c15, 0x2001, 0x2065, 0x2067, 0x22e5,
    0x22ea, 0x22f0, 0x22f1, 0x22f3, 0x22f4, 0x2323, 0x2452, 0x3e3f, 0x4305, 0x4742, 0x6000, 0x6003,
    0x6004, 0x6558, 0x8021, 0x8023, 0x8035, 0x8038, 0x8057, 0x8059, 0x809a, 0x809b, 0x80d5, 0x80e1,
    0x80f3, 0x80fd, 0x80ff, 0x8100, 0x8102, 0x8103, 0x8133, 0x8137, 0x814c, 0x8181, 0x81fd, 0x8204,
    0x8207, 0x8281, 0x86dd, 0x872d, 0x8783, 0x8808, 0x8809, 0x8847, 0x8848, 0x8863, 0x8864, 0x886c,
    0x886d, 0x886f, 0x8870, 0x8874, 0x887b, 0x888e, 0x8892, 0x8899, 0x889a, 0x889b, 0x88a1, 0x88a2,
    0x88a4, 0x88a8, 0x88a9, 0x88ab, 0x88ae, 0x88b4, 0x88b7, 0x88b8, 0x88ba, 0x88bb, 0x88c7, 0x88ca,
    0x88cc, 0x88cd, 0x88d8, 0x88d9, 0x88dc, 0x88de, 0x88e1, 0x88e3, 0x88e5, 0x88e7, 0x88ee, 0x88f5,
    0x88f6, 0x88f7, 0x88f8, 0x88fb, 0x8901, 0x8902, 0x8906, 0x8909, 0x890d, 0x8911, 0x8914, 0x8915,
    0x8917, 0x891d, 0x8926, 0x892d, 0x892f, 0x893a, 0x893f, 0x8940, 0x8942, 0x8947, 0x894f, 0x8988,
    0x8ffd, 0x9000, 0x9021, 0x9022, 0x9100, 0x9104, 0x99fe, 0xa0ed, 0xaaaa, 0xabcd, 0xaefe, 0xb4e3,
    0xbbbb, 0xc021, 0xc023, 0xc029, 0xc02b, 0xc02d, 0xc0de, 0xc0df, 0xc223, 0xcafe, 0xd00d, 0xd28b,
    0xe555, 0xf052, 0xf1c1, 0xfcfc,
];

/// SNAP organisation codes with special meaning here.
pub mod oui {
    /// RFC 1042: the protocol id is an EtherType.
    pub const ENCAP_ETHER: u32 = 0x00_00_00;
    /// Cisco (IOS 9.0+), also an EtherType.
    pub const CISCO_90: u32 = 0x00_00_f8;
    /// Marvell, also an EtherType.
    pub const MARVELL: u32 = 0x00_50_43;
    /// IEEE 802.1 bridged frames (RFC 2427 section 5.3).
    pub const IEEE_802_1: u32 = 0x00_80_c2;
}

/// OUIs whose protocol id tshark files under an `llc.*_pid` field of its
/// own (not `fr.snap.pid`).
fn oui_has_own_pid(o: u32) -> bool {
    matches!(
        o,
        0x00_00_0c
            | 0x00_00_81
            | 0x00_e0_2b
            | 0x00_e0_52
            | 0x00_00_5e
            | 0x00_19_58
            | 0x00_40_96
            | 0x00_01_e8
            | 0x00_80_5f
            | 0x00_10_90
            | 0x00_17_f2
            | 0x08_00_07
            | 0x00_20_f6
    )
}

field_table! {
    FirstAddrOctet: "fr.first_addr_octet", "First address octet", Kind::Hex(2);
    UpperDlci: "fr.upper_dlci", "Upper DLCI", Kind::Hex(2);
    Cr: "fr.cr", "CR", Kind::Bool;
    Ea: "fr.ea", "EA", Kind::Bool;
    SecondAddrOctet: "fr.second_addr_octet", "Second address octet", Kind::Hex(2);
    SecondDlci: "fr.second_dlci", "Second DLCI", Kind::Hex(2);
    Fecn: "fr.fecn", "FECN", Kind::Bool;
    Becn: "fr.becn", "BECN", Kind::Bool;
    De: "fr.de", "DE", Kind::Bool;
    ThirdAddrOctet: "fr.third_addr_octet", "Third address octet", Kind::Hex(2);
    ThirdDlci: "fr.third_dlci", "Third DLCI", Kind::Hex(2);
    DlcoreControl: "fr.dlcore_control", "DL-CORE Control", Kind::Hex(2);
    LowerDlci: "fr.lower_dlci", "Lower DLCI", Kind::Hex(2);
    Dc: "fr.dc", "DC", Kind::Bool;
    Dlci: "fr.dlci", "DLCI", Kind::Dec;
    Control: "fr.control", "Control Field", Kind::Hex(2);
    ControlNr: "fr.control.n_r", "N(R)", Kind::Dec;
    ControlNs: "fr.control.n_s", "N(S)", Kind::Dec;
    ControlP: "fr.control.p", "Poll", Kind::Bool;
    ControlF: "fr.control.f", "Final", Kind::Bool;
    ControlSFtype: "fr.control.s_ftype", "Supervisory frame type", Kind::Hex(4);
    ControlUModifierCmd: "fr.control.u_modifier_cmd", "Command", Kind::Hex(2);
    ControlUModifierResp: "fr.control.u_modifier_resp", "Response", Kind::Hex(2);
    ControlFtype: "fr.control.ftype", "Frame type", Kind::Hex(2);
    Nlpid: "fr.nlpid", "NLPID", Kind::Hex(2);
    SnapOui: "fr.snap.oui", "Organization Code", Kind::Dec;
    SnapPid: "fr.snap.pid", "Protocol ID", Kind::Hex(4);
    Snaptype: "fr.snaptype", "Type", Kind::Hex(4);
    Chdlctype: "fr.chdlctype", "Type", Kind::Hex(4);
}

/// Where the address octets are and what they say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Address {
    /// A first octet with EA set: tshark's bogus 1-octet address.
    bogus_one: bool,
    /// Offset of the third (7 DLCI bits) octet, if any.
    third: Option<usize>,
    /// Offset of the final octet of a 3- or 4-octet address, if any.
    last: Option<usize>,
    dlci: u32,
    len: usize,
}

/// How the payload after the address is encapsulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrEncap {
    /// RFC 2427 with an NLPID: control field length, whether a 0x00 pad
    /// precedes the NLPID, the NLPID, and for SNAP its OUI and protocol id
    /// when captured.
    Nlpid {
        control_len: usize,
        pad: bool,
        nlpid: u8,
        snap: Option<(u32, u16)>,
    },
    /// Cisco encapsulation with this protocol (mostly an EtherType).
    Cisco(u16),
    /// DLCI 0 without a UI control byte: LAPF, which tshark shows as data
    /// (control field included).
    Lapf { control_len: usize },
    /// XID control byte: shown as data.
    Xid { control_len: usize },
    /// An Ethernet frame (tshark reads it with an FCS).
    RawEthernet,
    /// Undecoded data.
    Data,
    /// Nothing after the address, or the encapsulation is cut short (after
    /// a control field of this length, 0 if none was read).
    Truncated { control_len: usize },
}

/// A view over a Frame Relay frame.
#[derive(Clone, Copy, Debug)]
pub struct FrameRelayView<'a> {
    bytes: &'a [u8],
    addr: Address,
    encap: FrEncap,
}

impl<'a> FrameRelayView<'a> {
    /// A view over `bytes`, which must hold the whole address (up to its
    /// EA bit). The encapsulation is worked out as tshark does.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let addr = parse_address(bytes)?;
        let encap = parse_encap(bytes, addr.len, addr.dlci);
        Ok(FrameRelayView { bytes, addr, encap })
    }

    fn byte(&self, i: usize) -> u8 {
        u8_at(self.bytes, i).unwrap_or(0)
    }

    /// The data link connection identifier.
    pub fn dlci(&self) -> u32 {
        self.addr.dlci
    }

    /// The address's length in octets.
    pub fn address_len(&self) -> usize {
        self.addr.len
    }

    /// The C/R bit (set: response).
    pub fn cr(&self) -> bool {
        !self.addr.bogus_one && self.byte(0) & bit::CR != 0
    }

    pub fn fecn(&self) -> bool {
        !self.addr.bogus_one && self.byte(1) & bit::FECN != 0
    }

    pub fn becn(&self) -> bool {
        !self.addr.bogus_one && self.byte(1) & bit::BECN != 0
    }

    pub fn de(&self) -> bool {
        !self.addr.bogus_one && self.byte(1) & bit::DE != 0
    }

    pub fn encap(&self) -> FrEncap {
        self.encap
    }

    /// The Cisco HDLC protocol, for Cisco encapsulation.
    pub fn cisco_type(&self) -> Option<u16> {
        match self.encap {
            FrEncap::Cisco(t) => Some(t),
            _ => None,
        }
    }

    /// The NLPID, for RFC 2427 encapsulation.
    pub fn nlpid(&self) -> Option<u8> {
        match self.encap {
            FrEncap::Nlpid { nlpid, .. } => Some(nlpid),
            _ => None,
        }
    }

    /// Offset of the control field, length, and its (little-endian, for a
    /// 2-byte field) value, where one is shown.
    fn control(&self) -> Option<(usize, usize, u16)> {
        let len = match self.encap {
            FrEncap::Nlpid { control_len, .. }
            | FrEncap::Lapf { control_len }
            | FrEncap::Xid { control_len }
            | FrEncap::Truncated { control_len } => control_len,
            _ => return None,
        };
        let at = self.addr.len;
        let v = match len {
            0 => return None,
            1 => u16::from(u8_at(self.bytes, at)?),
            _ => u16::from_le_bytes([u8_at(self.bytes, at)?, u8_at(self.bytes, at + 1)?]),
        };
        Some((at, len, v))
    }

    pub fn header_len(&self) -> usize {
        let a = self.addr.len;
        let n = match self.encap {
            FrEncap::Nlpid {
                control_len,
                pad,
                nlpid,
                ..
            } => {
                let p = control_len + usize::from(pad);
                if nlpid_included(nlpid) {
                    p
                } else if nlpid == nlpid::SNAP {
                    p + 6
                } else {
                    p + 1
                }
            }
            FrEncap::Cisco(_) => 2,
            FrEncap::Truncated { control_len } => control_len,
            _ => 0,
        };
        (a + n).min(self.bytes.len())
    }

    /// What follows the Frame Relay header (for the OSI NLPIDs and Q.933,
    /// from the NLPID on; for LAPF and XID, from the control field on).
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(self.header_len()..).unwrap_or(&[])
    }

    /// What [`Self::payload`] holds: IPv4, IPv6 or PPP for those NLPIDs;
    /// the EtherType for SNAP with an EtherType OUI on an information
    /// frame; Ethernet for 802.1 bridged frames and raw Ethernet; the Cisco
    /// protocol as an EtherType where the numbers agree (0x6558: Ethernet);
    /// data for the rest (Q.933, LMI, OSI, LAPF, …).
    pub fn next_layer(&self) -> NextLayer {
        match self.encap {
            FrEncap::Nlpid { nlpid, snap, .. } => match nlpid {
                nlpid::IPV4 => NextLayer::Ipv4,
                nlpid::IPV6 => NextLayer::Ipv6,
                nlpid::PPP => NextLayer::Ppp,
                nlpid::SNAP => match snap {
                    Some((oui::ENCAP_ETHER | oui::CISCO_90 | oui::MARVELL, t))
                        if self.information() =>
                    {
                        NextLayer::EtherType(t)
                    }
                    Some((oui::IEEE_802_1, 0x0001 | 0x0007)) => NextLayer::Ethernet,
                    None => NextLayer::Done,
                    _ => NextLayer::Data,
                },
                _ => NextLayer::Data,
            },
            FrEncap::Cisco(t) => match t {
                0x6558 => NextLayer::Ethernet,
                0x0800 | 0x86dd | 0x8847 | 0x8848 | 0x8137 | 0x809b | 0x80f3 => {
                    NextLayer::EtherType(t)
                }
                _ => NextLayer::Data,
            },
            FrEncap::RawEthernet => NextLayer::Ethernet,
            FrEncap::Lapf { .. } | FrEncap::Xid { .. } | FrEncap::Data => NextLayer::Data,
            FrEncap::Truncated { .. } => NextLayer::Done,
        }
    }

    /// Whether the first control byte marks an information frame (I, or
    /// UI 0x03), which SNAP needs to read an EtherType.
    fn information(&self) -> bool {
        let c = self.byte(self.addr.len);
        c & 1 == 0 || c == CONTROL_UI
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let a = &self.addr;
        let uint = |v: u64| Value::UInt(v);
        let b0 = self.byte(0);
        let b1 = self.byte(1);
        let full = !a.bogus_one;
        match f {
            Field::FirstAddrOctet if full => out.value(uint(b0.into()), 0..1),
            Field::UpperDlci if full => out.value(uint((b0 >> 2).into()), 0..1),
            Field::Cr if full => out.value(Value::Bool(b0 & bit::CR != 0), 0..1),
            Field::Ea if full => {
                out.value(Value::Bool(b0 & bit::EA != 0), 0..1);
                out.value(Value::Bool(b1 & bit::EA != 0), 1..2);
                if let Some(t) = a.third {
                    out.value(Value::Bool(false), t..t + 1);
                }
                if let Some(l) = a.last {
                    out.value(Value::Bool(true), l..l + 1);
                }
            }
            Field::SecondAddrOctet if full => out.value(uint(b1.into()), 1..2),
            Field::SecondDlci if full => out.value(uint((b1 >> 4).into()), 1..2),
            Field::Fecn if full => out.value(Value::Bool(b1 & bit::FECN != 0), 1..2),
            Field::Becn if full => out.value(Value::Bool(b1 & bit::BECN != 0), 1..2),
            Field::De if full => out.value(Value::Bool(b1 & bit::DE != 0), 1..2),
            Field::ThirdAddrOctet | Field::ThirdDlci => {
                if let Some(t) = a.third {
                    let x = self.byte(t);
                    let v = if f == Field::ThirdDlci { x >> 1 } else { x };
                    out.value(uint(v.into()), t..t + 1)
                }
            }
            Field::DlcoreControl | Field::LowerDlci | Field::Dc => {
                if let Some(l) = a.last {
                    let x = self.byte(l);
                    let dc = x & bit::DC != 0;
                    match f {
                        Field::Dc => out.value(Value::Bool(dc), l..l + 1),
                        Field::DlcoreControl if dc => out.value(uint((x >> 2).into()), l..l + 1),
                        Field::LowerDlci if !dc => out.value(uint((x >> 2).into()), l..l + 1),
                        _ => {}
                    }
                }
            }
            Field::Dlci => out.value(uint(a.dlci.into()), 0..a.len),
            Field::Control
            | Field::ControlNr
            | Field::ControlNs
            | Field::ControlP
            | Field::ControlF
            | Field::ControlSFtype
            | Field::ControlUModifierCmd
            | Field::ControlUModifierResp
            | Field::ControlFtype => {
                if let Some((at, len, c)) = self.control() {
                    control_field(f, at..at + len, c, self.cr(), out)
                }
            }
            Field::Nlpid => {
                if let FrEncap::Nlpid {
                    control_len,
                    pad,
                    nlpid,
                    ..
                } = self.encap
                {
                    let at = a.len + control_len;
                    if pad {
                        out.value(uint(0), at..at + 1);
                    }
                    let at = at + usize::from(pad);
                    out.value(uint(nlpid.into()), at..at + 1)
                }
            }
            Field::SnapOui | Field::SnapPid | Field::Snaptype => {
                if let FrEncap::Nlpid {
                    control_len,
                    pad,
                    snap: Some((o, pid)),
                    ..
                } = self.encap
                {
                    let at = a.len + control_len + usize::from(pad) + 1;
                    let ether_oui = matches!(o, oui::ENCAP_ETHER | oui::CISCO_90 | oui::MARVELL);
                    match f {
                        Field::SnapOui => out.value(uint(o.into()), at..at + 3),
                        Field::Snaptype if ether_oui && self.information() => {
                            out.value(uint(pid.into()), at + 3..at + 5)
                        }
                        Field::SnapPid if !ether_oui && !oui_has_own_pid(o) => {
                            out.value(uint(pid.into()), at + 3..at + 5)
                        }
                        _ => {}
                    }
                }
            }
            Field::Chdlctype => {
                if let FrEncap::Cisco(t) = self.encap {
                    out.value(uint(t.into()), a.len..a.len + 2)
                }
            }
            _ => {}
        }
    }

    /// `Frame Relay`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Frame Relay");
    }
}

/// The control field's fields, read as tshark reads an extended (2-byte
/// for I and S frames) HDLC control field; `response` picks P or F.
fn control_field<'a>(
    f: Field,
    r: Range<usize>,
    c: u16,
    response: bool,
    out: &mut dyn FieldSink<'a>,
) {
    let uint = |v: u64| Value::UInt(v);
    let c64 = u64::from(c);
    let kind = c & 3;
    // The poll/final bit: bit 4 of a U frame, bit 8 of a 2-byte field.
    let pf = c & if kind == 3 { 0x10 } else { 0x0100 } != 0;
    match f {
        // tshark's field is 8 bits wide: the first control byte.
        Field::Control => out.value(uint(c64 & 0xff), r),
        Field::ControlNr if kind != 3 => out.value(uint((c64 & 0xfe00) >> 9), r),
        Field::ControlNs if kind & 1 == 0 => out.value(uint((c64 & 0xfe) >> 1), r),
        Field::ControlP if pf && !response => out.value(Value::Bool(true), r),
        Field::ControlF if pf && response => out.value(Value::Bool(true), r),
        Field::ControlSFtype if kind == 1 => out.value(uint((c64 & 0x0c) >> 2), r),
        Field::ControlUModifierCmd if kind == 3 && !response => {
            out.value(uint((c64 & 0xec) >> 2), r)
        }
        Field::ControlUModifierResp if kind == 3 && response => {
            out.value(uint((c64 & 0xec) >> 2), r)
        }
        Field::ControlFtype => {
            let t = if kind == 3 || kind == 1 { kind } else { 0 };
            out.value(uint(t.into()), r)
        }
        _ => {}
    }
}

fn parse_address(b: &[u8]) -> Result<Address, Error> {
    let cut = |got: usize| Error::Truncated {
        needed: got + 1,
        got: b.len(),
    };
    let mut a = Address::default();
    let b0 = u8_at(b, 0).ok_or(cut(0))?;
    if b0 & bit::EA != 0 {
        a.bogus_one = true;
        a.len = 1;
        return Ok(a);
    }
    let b1 = u8_at(b, 1).ok_or(cut(1))?;
    let mut dlci = (u32::from(b0) >> 2) << 4 | u32::from(b1) >> 4;
    let mut off = 2;
    if b1 & bit::EA == 0 {
        let mut o = u8_at(b, off).ok_or(cut(off))?;
        if o & bit::EA == 0 {
            dlci = dlci << 7 | u32::from(o) >> 1;
            a.third = Some(off);
            off += 1;
            o = u8_at(b, off).ok_or(cut(off))?;
            // Octets past the fourth without EA are bogus; tshark skips them.
            while o & bit::EA == 0 {
                off += 1;
                o = u8_at(b, off).ok_or(cut(off))?;
            }
        }
        if o & bit::DC == 0 {
            dlci = dlci << 6 | u32::from(o) >> 2;
        }
        a.last = Some(off);
        off += 1;
    }
    a.dlci = dlci;
    a.len = off;
    Ok(a)
}

/// tshark's extended control field length: 1 for U frames, else 2.
fn control_len(c: u8) -> usize {
    if c & 3 == 3 {
        1
    } else {
        2
    }
}

fn parse_encap(b: &[u8], off: usize, dlci: u32) -> FrEncap {
    let cut = |control_len| FrEncap::Truncated { control_len };
    let Some(ctrl) = u8_at(b, off) else {
        return cut(0);
    };
    let mut rfc2427 = ctrl == CONTROL_UI;
    if !rfc2427 {
        if dlci == 0 {
            return FrEncap::Lapf {
                control_len: control_len(ctrl),
            };
        }
        if ctrl == CONTROL_XID {
            return FrEncap::Xid { control_len: 1 };
        }
        if let Some(t) = be16(b, off) {
            if is_cisco_type(t) {
                return FrEncap::Cisco(t);
            }
            // Is there an NLPID tshark knows behind a control field?
            let mut p = off;
            let mut c = ctrl;
            if c == 0 {
                p += 1;
                let Some(x) = u8_at(b, p) else {
                    return cut(0);
                };
                c = x;
            }
            p += control_len(c);
            rfc2427 = u8_at(b, p).is_some_and(nlpid_known);
        }
    }
    if !rfc2427 {
        let ethernet = be16(b, off.saturating_add(12))
            .is_some_and(|t| t <= 1500 || KNOWN_ETHERTYPES.binary_search(&t).is_ok());
        return if ethernet {
            FrEncap::RawEthernet
        } else {
            FrEncap::Data
        };
    }
    let control_len = control_len(ctrl);
    if b.len() < off + control_len {
        return cut(0);
    }
    let mut at = off + control_len;
    let Some(mut n) = u8_at(b, at) else {
        return cut(control_len);
    };
    let pad = n == 0;
    if pad {
        at += 1;
        let Some(x) = u8_at(b, at) else {
            return cut(control_len);
        };
        n = x;
    }
    let snap = if n == nlpid::SNAP {
        let o = be24(b, at + 1);
        let p = be16(b, at + 4);
        match o.zip(p) {
            Some(s) => Some(s),
            None => return cut(control_len),
        }
    } else {
        None
    };
    FrEncap::Nlpid {
        control_len,
        pad,
        nlpid: n,
        snap,
    }
}

/// How a built frame is encapsulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrEncapRepr {
    /// UI control (0x03) and this NLPID (not 0x00 or 0x80).
    Nlpid(u8),
    /// UI control, NLPID 0x80, OUI (24 bits) and protocol id.
    Snap { oui: u32, pid: u16 },
    /// Cisco encapsulation (a type [`is_cisco_type`] accepts, on a DLCI
    /// other than 0, so the frame reads back the same).
    Cisco(u16),
}

/// The plain values of a 2-octet-address Frame Relay header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameRelayRepr {
    /// 10 bits.
    pub dlci: u16,
    pub cr: bool,
    pub fecn: bool,
    pub becn: bool,
    pub de: bool,
    pub encap: FrEncapRepr,
}

impl FrameRelayRepr {
    /// The values of a frame with a 2-octet address and UI/NLPID, SNAP or
    /// Cisco encapsulation (`None` otherwise).
    pub fn parse(v: &FrameRelayView) -> Option<Self> {
        if v.address_len() != 2 || v.addr.bogus_one {
            return None;
        }
        let encap = match v.encap() {
            FrEncap::Nlpid {
                control_len: 1,
                pad: false,
                nlpid,
                snap,
            } if v.byte(2) == CONTROL_UI => match snap {
                Some((oui, pid)) => FrEncapRepr::Snap { oui, pid },
                None => FrEncapRepr::Nlpid(nlpid),
            },
            FrEncap::Cisco(t) => FrEncapRepr::Cisco(t),
            _ => return None,
        };
        Some(FrameRelayRepr {
            dlci: v.dlci() as u16,
            cr: v.cr(),
            fecn: v.fecn(),
            becn: v.becn(),
            de: v.de(),
            encap,
        })
    }

    /// Append the address and encapsulation header.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let d = self.dlci & 0x3ff;
        buf.push(((d >> 4) as u8) << 2 | u8::from(self.cr) << 1);
        buf.push(
            ((d & 0xf) as u8) << 4
                | u8::from(self.fecn) << 3
                | u8::from(self.becn) << 2
                | u8::from(self.de) << 1
                | bit::EA,
        );
        match self.encap {
            FrEncapRepr::Nlpid(n) => buf.extend_from_slice(&[CONTROL_UI, n]),
            FrEncapRepr::Snap { oui, pid } => {
                buf.extend_from_slice(&[CONTROL_UI, nlpid::SNAP]);
                buf.extend_from_slice(&oui.to_be_bytes()[1..]);
                buf.extend_from_slice(&pid.to_be_bytes());
            }
            FrEncapRepr::Cisco(t) => buf.extend_from_slice(&t.to_be_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fields_text;
    use proptest::prelude::*;

    fn all<'a>(v: &FrameRelayView<'a>) -> Vec<String> {
        fields_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// arkime icmp-frame-relay.pcap frame 1, first bytes: DLCI 102, Cisco
    /// encapsulation of IPv4.
    const CISCO_IP: [u8; 8] = [0x18, 0x61, 0x08, 0x00, 0x45, 0x00, 0x00, 0x64];
    /// tcpdump vrrp-vrrp_print-oobr.pcap frame 1: a 3-octet address (FECN,
    /// DE), DLCI 33703, Cisco IPv4.
    const THREE_OCTETS: [u8; 8] = [0x80, 0xea, 0x9d, 0x08, 0x00, 0x47, 0x7f, 0x00];
    /// tcpdump q933-heapoverflow-2.pcap frame 2: a 4-octet address, then
    /// what tshark takes for an 802.3 frame.
    const RAW_ETHER: [u8; 20] = [
        0xb0, 0x00, 0x3a, 0x01, 0x00, 0x11, 0x88, 0x6b, 0x68, 0x30, 0x00, 0x14, 0xa5, 0x30, 0xb0,
        0xaf, 0x00, 0x11, 0x88, 0x6b,
    ];
    /// Same capture, frame 15: I-frame control, pad, unknown NLPID 0x11.
    const PADDED: [u8; 8] = [0x48, 0x01, 0x2c, 0x00, 0x00, 0x11, 0x88, 0x6b];
    /// Same capture, frame 1: a bogus extra address octet and DL-CORE.
    const BOGUS: [u8; 10] = [0x80, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    /// tcpdump isis_stlv_asan-4.pcap: 4-octet address with DL-CORE, an
    /// I-frame control field and IS-IS (NLPID 0x83, part of IS-IS).
    const ISIS: [u8; 8] = [0x1c, 0x00, 0x0c, 0x07, 0x22, 0x00, 0x83, 0x1b];

    #[test]
    fn cisco_encapsulation() {
        let v = FrameRelayView::new(&CISCO_IP).unwrap();
        assert_eq!(
            all(&v),
            [
                "fr.first_addr_octet=0x18",
                "fr.upper_dlci=0x06",
                "fr.cr=0",
                "fr.ea=0,1",
                "fr.second_addr_octet=0x61",
                "fr.second_dlci=0x06",
                "fr.fecn=0",
                "fr.becn=0",
                "fr.de=0",
                "fr.dlci=102",
                "fr.chdlctype=0x0800",
            ]
        );
        assert_eq!(v.header_len(), 4);
        assert_eq!(v.payload(), &CISCO_IP[4..]);
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x0800));
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Frame Relay");

        let v = FrameRelayView::new(&THREE_OCTETS).unwrap();
        assert_eq!(v.dlci(), 33703);
        let got = all(&v);
        for want in [
            "fr.fecn=1",
            "fr.de=1",
            "fr.ea=0,0,1",
            "fr.lower_dlci=0x27",
            "fr.dc=0",
            "fr.chdlctype=0x0800",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }
        assert_eq!(v.header_len(), 5);
    }

    #[test]
    fn tshark_guesses_on_odd_frames() {
        let v = FrameRelayView::new(&RAW_ETHER).unwrap();
        assert_eq!(v.dlci(), 5769024);
        assert_eq!(v.encap(), FrEncap::RawEthernet);
        assert_eq!(v.header_len(), 4);
        assert_eq!(v.next_layer(), NextLayer::Ethernet);
        assert!(all(&v).contains(&"fr.third_dlci=0x1d".to_string()));

        let v = FrameRelayView::new(&PADDED).unwrap();
        assert_eq!(v.dlci(), 288);
        let got = all(&v);
        for want in [
            "fr.control=0x2c",
            "fr.control.n_r=0",
            "fr.control.n_s=22",
            "fr.control.ftype=0x00",
            "fr.nlpid=0x00,0x11",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }
        assert_eq!(v.header_len(), 6);
        assert_eq!(v.next_layer(), NextLayer::Data);

        let v = FrameRelayView::new(&BOGUS).unwrap();
        assert_eq!(v.dlci(), 65536);
        assert_eq!(v.address_len(), 5);
        assert!(all(&v).contains(&"fr.dlcore_control=0x3f".to_string()));
        assert_eq!(v.encap(), FrEncap::Data);

        let v = FrameRelayView::new(&ISIS).unwrap();
        assert_eq!(v.dlci(), 14342);
        assert_eq!(v.nlpid(), Some(nlpid::ISIS));
        assert_eq!(v.header_len(), 6);
        assert_eq!(v.payload()[0], 0x83);
        assert_eq!(v.next_layer(), NextLayer::Data);
    }

    /// DLCI 102 (CR clear) and `rest`.
    fn fr(rest: &[u8]) -> Vec<u8> {
        let mut b = vec![0x18, 0x61];
        b.extend_from_slice(rest);
        b
    }

    #[test]
    fn rfc2427_as_tshark_reads_it() {
        // (bytes after the address, next layer, fields tshark showed)
        let eth_ip = {
            let mut e = vec![0; 12];
            e.extend_from_slice(&[0x08, 0x00, 0x45]);
            e
        };
        let cases: Vec<(Vec<u8>, NextLayer, &[&str])> = vec![
            (
                vec![0x03, 0xcc, 0x45],
                NextLayer::Ipv4,
                &[
                    "fr.control=0x03",
                    "fr.control.u_modifier_cmd=0x00",
                    "fr.control.ftype=0x03",
                    "fr.nlpid=0xcc",
                ],
            ),
            (
                vec![0x03, 0x00, 0xcc, 0x45],
                NextLayer::Ipv4,
                &["fr.nlpid=0x00,0xcc"],
            ),
            (vec![0x13, 0xcc, 0x45], NextLayer::Ipv4, &["fr.control.p=1"]),
            (vec![0x03, 0x8e, 0x60], NextLayer::Ipv6, &["fr.nlpid=0x8e"]),
            (
                vec![0x03, 0x80, 0, 0, 0, 0x08, 0x00, 0x45],
                NextLayer::EtherType(0x0800),
                &["fr.snap.oui=0", "fr.snaptype=0x0800"],
            ),
            (
                [&[0x03, 0x80, 0x00, 0x80, 0xc2, 0x00, 0x07][..], &eth_ip].concat(),
                NextLayer::Ethernet,
                &["fr.snap.oui=32962", "fr.snap.pid=0x0007"],
            ),
            (
                vec![0x03, 0x80, 0x00, 0x00, 0x0c, 0x20, 0x00, 0],
                NextLayer::Data,
                &["fr.snap.oui=12"],
            ),
            (
                vec![0x03, 0x80, 0x12, 0x34, 0x56, 0x00, 0x07],
                NextLayer::Data,
                &["fr.snap.pid=0x0007"],
            ),
            (
                vec![0x03, 0xcf, 0x00, 0x21],
                NextLayer::Ppp,
                &["fr.nlpid=0xcf"],
            ),
            (
                vec![0x03, 0x08, 0x00, 0x75],
                NextLayer::Data,
                &["fr.nlpid=0x08"],
            ),
            (
                vec![0xaf, 0x01, 0x02],
                NextLayer::Data,
                &["fr.control=0xaf", "fr.control.u_modifier_cmd=0x2b"],
            ),
            (
                vec![0x81, 0x37, 0],
                NextLayer::EtherType(0x8137),
                &["fr.chdlctype=0x8137"],
            ),
            (
                vec![0x01, 0x10, 0xcc, 0x45],
                NextLayer::Ipv4,
                &[
                    "fr.control=0x01",
                    "fr.control.n_r=8",
                    "fr.control.s_ftype=0x0000",
                    "fr.control.ftype=0x01",
                ],
            ),
            (
                vec![0x43, 0xcc],
                NextLayer::Ipv4,
                &["fr.control.u_modifier_cmd=0x10"],
            ),
            (vec![0x03], NextLayer::Done, &["fr.control=0x03"]),
            (vec![], NextLayer::Done, &["fr.dlci=102"]),
            (
                [&[0x65, 0x58][..], &eth_ip].concat(),
                NextLayer::Ethernet,
                &["fr.chdlctype=0x6558"],
            ),
            // Neither UI, Cisco nor a known NLPID, but a length at 12: Ethernet.
            (
                [&[0x00, 0x01, 0xcc][..], &[0x45; 9][..], &[0x00, 0x20][..]].concat(),
                NextLayer::Ethernet,
                &["fr.dlci=102"],
            ),
        ];
        for (rest, next, want) in cases {
            let b = fr(&rest);
            let v = FrameRelayView::new(&b).unwrap();
            assert_eq!(v.next_layer(), next, "{rest:02x?}");
            let got = all(&v);
            for w in want {
                assert!(
                    got.contains(&w.to_string()),
                    "{w} in {got:?} for {rest:02x?}"
                );
            }
        }
        // A response (CR set) shows F and the response modifier.
        let b = [0x1a, 0x61, 0x13, 0xcc, 0x45];
        let got = all(&FrameRelayView::new(&b).unwrap());
        assert!(got.contains(&"fr.control.f=1".to_string()));
        assert!(got.contains(&"fr.control.u_modifier_resp=0x00".to_string()));
        // DLCI 0 without UI: LAPF, shown as data from the control field on.
        let b = [0x00, 0x01, 0x00, 0x01, 0x02, 0x03];
        let v = FrameRelayView::new(&b).unwrap();
        assert_eq!(v.encap(), FrEncap::Lapf { control_len: 2 });
        assert_eq!(v.payload(), &b[2..]);
        assert!(all(&v).contains(&"fr.control.p=1".to_string()));
        // A bogus 1-octet address is DLCI 0 with no address fields.
        let b = [0x19, 0x03, 0xcc, 0x45];
        let v = FrameRelayView::new(&b).unwrap();
        assert_eq!(all(&v)[0], "fr.dlci=0");
        assert_eq!(v.next_layer(), NextLayer::Ipv4);
    }

    #[test]
    fn short_addresses_are_errors() {
        assert!(FrameRelayView::new(&[]).is_err());
        assert!(FrameRelayView::new(&[0x18]).is_err());
        assert!(FrameRelayView::new(&[0x80, 0x00, 0x00, 0x00]).is_err());
    }

    fn any_encap() -> impl Strategy<Value = FrEncapRepr> {
        prop_oneof![
            (1u8..=255)
                .prop_filter("not SNAP", |n| *n != nlpid::SNAP)
                .prop_map(FrEncapRepr::Nlpid),
            (0u32..0x100_0000, any::<u16>()).prop_map(|(oui, pid)| FrEncapRepr::Snap { oui, pid }),
            prop::sample::select(vec![
                0x0800u16, 0x86dd, 0x6558, 0x8847, 0x8137, 0xfefe, 0x2000
            ])
            .prop_map(FrEncapRepr::Cisco),
        ]
    }

    proptest! {
        #[test]
        fn build_then_parse(dlci in 1u16..0x400, cr: bool, fecn: bool, becn: bool, de: bool,
                            encap in any_encap(),
                            payload in proptest::collection::vec(any::<u8>(), 0..24)) {
            let r = FrameRelayRepr { dlci, cr, fecn, becn, de, encap };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            buf.extend_from_slice(&payload);
            let v = FrameRelayView::new(&buf).unwrap();
            prop_assert_eq!(FrameRelayRepr::parse(&v), Some(r));
            let included = matches!(encap, FrEncapRepr::Nlpid(n) if nlpid_included(n));
            prop_assert_eq!(v.header_len(), if included { hl - 1 } else { hl });
        }

        #[test]
        fn hostile_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Ok(v) = FrameRelayView::new(&b) {
                let _ = all(&v);
                prop_assert!(v.header_len() <= b.len());
                let _ = (v.payload(), v.next_layer());
            }
        }
    }
}
