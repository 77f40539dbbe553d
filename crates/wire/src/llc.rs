//! IEEE 802.2 Logical Link Control, with the SNAP extension.
//!
//! An LLC header is a destination and a source service access point (DSAP,
//! SSAP) and an HDLC-style control field: one byte for unnumbered (U)
//! frames, two bytes (little-endian, "extended operation") for information
//! (I) and supervisory (S) frames. When both SAPs are 0xaa a SNAP header
//! follows: a 3-byte organisation code (OUI) and a 2-byte protocol id, which
//! for OUI 00-00-00 is an EtherType. tshark calls all of it `llc`.

use crate::bytes::{be16, be24, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::ops::Range;

/// Byte ranges of the fixed fields.
mod at {
    use std::ops::Range;
    pub const DSAP: Range<usize> = 0..1;
    pub const SSAP: Range<usize> = 1..2;
    pub const CONTROL: usize = 2;
    /// DSAP, SSAP and a one-byte control field.
    pub const MIN_LEN: usize = 3;
    pub const SNAP_LEN: usize = 5;
}

/// Service access points of note.
pub mod sap {
    /// Spanning tree BPDUs.
    pub const STP: u8 = 0x42;
    /// SNAP: an OUI and protocol id follow.
    pub const SNAP: u8 = 0xaa;
    /// Novell IPX.
    pub const IPX: u8 = 0xe0;
    /// ISO network layer (IS-IS, ES-IS, CLNP).
    pub const OSI: u8 = 0xfe;
}

/// Organisation codes whose SNAP protocol id tshark names specially.
pub mod oui {
    /// RFC 1042 encapsulated Ethernet: the protocol id is an EtherType.
    pub const ENCAP_ETHER: u32 = 0x00_00_00;
    /// Cisco (IOS 9.0 and later), also an EtherType.
    pub const CISCO_90: u32 = 0x00_00_f8;
    /// Cisco protocols (CDP, VTP, DTP, UDLD, PVST+).
    pub const CISCO: u32 = 0x00_00_0c;
    /// Marvell (OLPC mesh); the protocol id is an EtherType.
    pub const MARVELL: u32 = 0x00_50_43;
}

field_table! {
    Dsap: "llc.dsap", "DSAP", Kind::Hex(2);
    DsapSap: "llc.dsap.sap", "SAP", Kind::Dec;
    DsapIg: "llc.dsap.ig", "IG Bit", Kind::Bool;
    Ssap: "llc.ssap", "SSAP", Kind::Hex(2);
    SsapSap: "llc.ssap.sap", "SAP", Kind::Dec;
    SsapCr: "llc.ssap.cr", "CR Bit", Kind::Bool;
    Control: "llc.control", "Control", Kind::Hex(4);
    ControlNr: "llc.control.n_r", "N(R)", Kind::Dec;
    ControlNs: "llc.control.n_s", "N(S)", Kind::Dec;
    ControlP: "llc.control.p", "Poll", Kind::Bool;
    ControlF: "llc.control.f", "Final", Kind::Bool;
    ControlSFtype: "llc.control.s_ftype", "Supervisory frame type", Kind::Hex(4);
    ControlUCmd: "llc.control.u_modifier_cmd", "Command", Kind::Hex(2);
    ControlUResp: "llc.control.u_modifier_resp", "Response", Kind::Hex(2);
    ControlFtype: "llc.control.ftype", "Frame type", Kind::Hex(2);
    Type: "llc.type", "Type", Kind::Hex(4);
    Oui: "llc.oui", "Organization Code", Kind::Dec;
    Pid: "llc.pid", "Protocol ID", Kind::Hex(4);
    CiscoPid: "llc.cisco_pid", "PID", Kind::Hex(4);
    NortelPid: "llc.nortel_pid", "PID", Kind::Hex(4);
    ExtremePid: "llc.extreme_pid", "PID", Kind::Hex(4);
    FoundryPid: "llc.foundry_pid", "PID", Kind::Hex(4);
    IanaPid: "llc.iana_pid", "PID", Kind::Hex(4);
    BluetoothPid: "llc.bluetooth_pid", "PID", Kind::Hex(4);
    WlccpPid: "llc.wlccp_pid", "PID", Kind::Hex(4);
    Force10Pid: "llc.force10_pid", "PID", Kind::Hex(4);
    HpteamPid: "llc.hpteam_pid", "PID", Kind::Hex(4);
    CimetricsPid: "llc.cimetrics_pid", "PID", Kind::Hex(4);
    AppleAwdlPid: "llc.apple_awdl_pid", "PID", Kind::Hex(4);
    AppleAtalkPid: "llc.apple_atalk_pid", "PID", Kind::Hex(4);
}

/// Which field tshark 4.0 files the SNAP protocol id under, by OUI (`None`:
/// not shown, as for an EtherType OUI on a non-information frame).
fn pid_field(oui: u32, information: bool) -> Option<Field> {
    Some(match oui {
        oui::ENCAP_ETHER | oui::CISCO_90 | oui::MARVELL => {
            if !information {
                return None;
            }
            Field::Type
        }
        oui::CISCO => Field::CiscoPid,
        0x00_00_81 => Field::NortelPid,
        0x00_e0_2b => Field::ExtremePid,
        0x00_e0_52 => Field::FoundryPid,
        0x00_00_5e => Field::IanaPid,
        0x00_19_58 => Field::BluetoothPid,
        0x00_40_96 => Field::WlccpPid,
        0x00_01_e8 => Field::Force10Pid,
        0x00_80_5f => Field::HpteamPid,
        0x00_10_90 => Field::CimetricsPid,
        0x00_17_f2 => Field::AppleAwdlPid,
        0x08_00_07 => Field::AppleAtalkPid,
        // Turbocell: the "protocol id" is the start of its own header.
        0x00_20_f6 => return None,
        _ => Field::Pid,
    })
}

/// The three kinds of HDLC frame the control field announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// Information (numbered), two control bytes.
    I,
    /// Supervisory, two control bytes.
    S,
    /// Unnumbered (UI, XID, TEST, ...), one control byte.
    U,
}

/// A view over an LLC header (and SNAP header, if any) and its payload.
#[derive(Clone, Copy, Debug)]
pub struct LlcView<'a> {
    bytes: &'a [u8],
}

impl<'a> LlcView<'a> {
    /// A view over `bytes`, which must hold the whole LLC header: 3 or 4
    /// bytes depending on the control field, plus 5 for SNAP.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::MIN_LEN)?;
        let v = LlcView { bytes };
        need(bytes, v.header_len())?;
        Ok(v)
    }

    pub fn dsap(&self) -> u8 {
        u8_at(self.bytes, at::DSAP.start).unwrap_or(0)
    }

    pub fn ssap(&self) -> u8 {
        u8_at(self.bytes, at::SSAP.start).unwrap_or(0)
    }

    /// The frame is a response (the SSAP's C/R bit).
    pub fn is_response(&self) -> bool {
        self.ssap() & 1 != 0
    }

    pub fn frame_kind(&self) -> FrameKind {
        match u8_at(self.bytes, at::CONTROL).unwrap_or(0) & 3 {
            3 => FrameKind::U,
            1 => FrameKind::S,
            _ => FrameKind::I,
        }
    }

    fn control_len(&self) -> usize {
        if self.frame_kind() == FrameKind::U {
            1
        } else {
            2
        }
    }

    fn control_range(&self) -> Range<usize> {
        at::CONTROL..at::CONTROL + self.control_len()
    }

    /// The control field: one byte for U frames, two (little-endian) for I
    /// and S frames.
    pub fn control(&self) -> u16 {
        let lo = u8_at(self.bytes, at::CONTROL).unwrap_or(0);
        if self.control_len() == 1 {
            u16::from(lo)
        } else {
            u16::from_le_bytes([lo, u8_at(self.bytes, at::CONTROL + 1).unwrap_or(0)])
        }
    }

    /// An I frame or a UI frame: the ones that carry upper-layer data.
    pub fn is_information(&self) -> bool {
        self.frame_kind() == FrameKind::I || self.control() == 0x03
    }

    /// Both SAPs are SNAP: an OUI and a protocol id follow the control field.
    pub fn is_snap(&self) -> bool {
        self.dsap() == sap::SNAP && self.ssap() == sap::SNAP
    }

    fn snap_start(&self) -> usize {
        at::CONTROL + self.control_len()
    }

    /// The SNAP organisation code.
    pub fn oui(&self) -> Option<u32> {
        if !self.is_snap() {
            return None;
        }
        be24(self.bytes, self.snap_start())
    }

    /// The SNAP protocol id.
    pub fn pid(&self) -> Option<u16> {
        if !self.is_snap() {
            return None;
        }
        be16(self.bytes, self.snap_start() + 3)
    }

    /// The EtherType of the payload: the SNAP protocol id when the OUI says
    /// it is one (00-00-00 or Cisco's 00-00-f8) and the frame carries data.
    pub fn snap_pid(&self) -> Option<u16> {
        match self.oui()? {
            oui::ENCAP_ETHER | oui::CISCO_90 if self.is_information() => self.pid(),
            _ => None,
        }
    }

    pub fn header_len(&self) -> usize {
        let n = at::CONTROL + self.control_len();
        if self.is_snap() {
            n + at::SNAP_LEN
        } else {
            n
        }
    }

    /// Everything after the LLC (and SNAP) header.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let (dsap, ssap) = (self.dsap(), self.ssap());
        let c = self.control();
        let cr = self.control_range();
        let kind = self.frame_kind();
        let uint = |n: u16| Value::UInt(u64::from(n));
        // The poll/final bit: 0x10 in a U frame, 0x100 in an I or S frame.
        let pf = match kind {
            FrameKind::U => c & 0x10 != 0,
            _ => c & 0x100 != 0,
        };
        match f {
            Field::Dsap => out.value(uint(dsap.into()), at::DSAP),
            Field::DsapSap => out.value(uint((dsap >> 1).into()), at::DSAP),
            Field::DsapIg => out.value(Value::Bool(dsap & 1 != 0), at::DSAP),
            Field::Ssap => out.value(uint(ssap.into()), at::SSAP),
            Field::SsapSap => out.value(uint((ssap >> 1).into()), at::SSAP),
            Field::SsapCr => out.value(Value::Bool(ssap & 1 != 0), at::SSAP),
            Field::Control => out.value(uint(c), cr),
            Field::ControlNr if kind != FrameKind::U => out.value(uint(c >> 9), cr),
            Field::ControlNs if kind == FrameKind::I => out.value(uint((c >> 1) & 0x7f), cr),
            // tshark shows the P/F bit only when set; in I frames always as Poll.
            Field::ControlP if pf && (kind == FrameKind::I || !self.is_response()) => {
                out.value(Value::Bool(true), cr)
            }
            Field::ControlF if pf && kind != FrameKind::I && self.is_response() => {
                out.value(Value::Bool(true), cr)
            }
            Field::ControlSFtype if kind == FrameKind::S => out.value(uint((c >> 2) & 3), cr),
            Field::ControlUCmd if kind == FrameKind::U && !self.is_response() => {
                out.value(uint((c & 0xec) >> 2), cr)
            }
            Field::ControlUResp if kind == FrameKind::U && self.is_response() => {
                out.value(uint((c & 0xec) >> 2), cr)
            }
            // tshark prints this 8 bits wide for U frames, 16 for I and S.
            Field::ControlFtype => match kind {
                FrameKind::U => out.value(uint(3), cr),
                FrameKind::S => out.value(Value::Static("0x0001"), cr),
                FrameKind::I => out.value(Value::Static("0x0000"), cr),
            },
            Field::Oui => {
                if let Some(o) = self.oui() {
                    let s = self.snap_start();
                    out.value(Value::UInt(o.into()), s..s + 3)
                }
            }
            _ => {
                if let (Some(o), Some(p)) = (self.oui(), self.pid()) {
                    if pid_field(o, self.is_information()) == Some(f) {
                        let s = self.snap_start() + 3;
                        out.value(uint(p), s..s + 2)
                    }
                }
            }
        }
    }

    /// tshark's title has no details: `Logical-Link Control`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Logical-Link Control");
    }
}

/// The plain values of an LLC header, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LlcRepr {
    pub dsap: u8,
    pub ssap: u8,
    /// One byte for U frames (low two bits 11), else two (written little-endian).
    pub control: u16,
    /// OUI and protocol id; written only when both SAPs are 0xaa.
    pub snap: Option<(u32, u16)>,
}

impl LlcRepr {
    /// An RFC 1042 LLC/SNAP header for an EtherType.
    pub fn snap_ethertype(ethertype: u16) -> Self {
        LlcRepr {
            dsap: sap::SNAP,
            ssap: sap::SNAP,
            control: 0x03,
            snap: Some((oui::ENCAP_ETHER, ethertype)),
        }
    }

    pub fn parse(v: &LlcView) -> Self {
        LlcRepr {
            dsap: v.dsap(),
            ssap: v.ssap(),
            control: v.control(),
            snap: v.oui().zip(v.pid()),
        }
    }

    /// Append the header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.push(self.dsap);
        buf.push(self.ssap);
        let [lo, hi] = self.control.to_le_bytes();
        buf.push(lo);
        if lo & 3 != 3 {
            buf.push(hi);
        }
        if self.dsap == sap::SNAP && self.ssap == sap::SNAP {
            let (o, p) = self.snap.unwrap_or_default();
            buf.extend_from_slice(&o.to_be_bytes()[1..]);
            buf.extend_from_slice(&p.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, occurrences, values};
    use proptest::prelude::*;

    fn collect(v: &LlcView, f: Field) -> Vec<String> {
        values(FIELDS[f as usize].kind, |out| v.field(f, out))
    }

    fn all(v: &LlcView) -> Vec<(&'static str, String)> {
        occurrences(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// zeek llc.pcap frame 1 (FDDI), bytes 13..21: RFC 1042 SNAP carrying IPv4.
    const SNAP_IP: [u8; 10] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00];

    #[test]
    fn snap_with_ethertype() {
        let v = LlcView::new(&SNAP_IP).unwrap();
        assert!(v.is_snap());
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.snap_pid(), Some(0x0800));
        assert_eq!(v.payload(), &[0x45, 0x00]);
        assert_eq!(
            all(&v),
            [
                ("llc.dsap", "0xaa".to_string()),
                ("llc.dsap.sap", "85".into()),
                ("llc.dsap.ig", "0".into()),
                ("llc.ssap", "0xaa".into()),
                ("llc.ssap.sap", "85".into()),
                ("llc.ssap.cr", "0".into()),
                ("llc.control", "0x0003".into()),
                ("llc.control.u_modifier_cmd", "0x00".into()),
                ("llc.control.ftype", "0x03".into()),
                ("llc.type", "0x0800".into()),
                ("llc.oui", "0".into()),
            ]
        );
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Logical-Link Control");
    }

    /// pcpp llc_vlan.pcap frame 1, bytes 18..26: SNAP with Cisco's OUI (CDP).
    const SNAP_CDP: [u8; 9] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, 0x02];

    #[test]
    fn snap_cisco_is_not_an_ethertype() {
        let v = LlcView::new(&SNAP_CDP).unwrap();
        assert_eq!(v.oui(), Some(12));
        assert_eq!(v.pid(), Some(0x2000));
        assert_eq!(v.snap_pid(), None);
        assert_eq!(collect(&v, Field::Oui), ["12"]);
        assert_eq!(collect(&v, Field::CiscoPid), ["0x2000"]);
        assert!(collect(&v, Field::Type).is_empty());
        assert!(collect(&v, Field::Pid).is_empty());
    }

    /// pcpp EthDot3.pcap frame 1, bytes 14..18: a spanning-tree BPDU's LLC.
    const STP: [u8; 4] = [0x42, 0x42, 0x03, 0x00];

    #[test]
    fn plain_llc_ui_frame() {
        let v = LlcView::new(&STP).unwrap();
        assert!(!v.is_snap());
        assert_eq!(v.dsap(), sap::STP);
        assert_eq!(v.header_len(), 3);
        assert_eq!(v.payload(), &[0x00]);
        assert_eq!(v.snap_pid(), None);
        assert_eq!(collect(&v, Field::DsapSap), ["33"]);
        assert!(collect(&v, Field::Oui).is_empty());
    }

    /// arkime xid.pcap frame 1, bytes 14..20: an XID response (SSAP C/R set).
    const XID: [u8; 6] = [0x00, 0x01, 0xaf, 0x81, 0x01, 0x00];

    #[test]
    fn xid_response() {
        let v = LlcView::new(&XID).unwrap();
        assert_eq!(v.frame_kind(), FrameKind::U);
        assert_eq!(collect(&v, Field::Control), ["0x00af"]);
        assert_eq!(collect(&v, Field::ControlUResp), ["0x2b"]);
        assert!(collect(&v, Field::ControlUCmd).is_empty());
        assert_eq!(collect(&v, Field::SsapCr), ["1"]);
        assert_eq!(v.payload(), &[0x81, 0x01, 0x00]);
    }

    /// arkime arkime_synthetic.pcap frame 301, bytes 14..20: an S frame with
    /// a two-byte control field (tshark: control 0x0001, n_r 0, s_ftype 0x0000).
    const S_FRAME: [u8; 6] = [0x83, 0x1b, 0x01, 0x00, 0x11, 0x00];

    #[test]
    fn supervisory_frame_has_two_control_bytes() {
        let v = LlcView::new(&S_FRAME).unwrap();
        assert_eq!(v.frame_kind(), FrameKind::S);
        assert_eq!(v.header_len(), 4);
        assert_eq!(collect(&v, Field::Control), ["0x0001"]);
        assert_eq!(collect(&v, Field::ControlNr), ["0"]);
        assert_eq!(collect(&v, Field::ControlSFtype), ["0x0000"]);
        assert_eq!(collect(&v, Field::ControlFtype), ["0x0001"]);
        assert!(collect(&v, Field::ControlF).is_empty());
        assert!(!v.is_information());
    }

    #[test]
    fn i_frame_fields_as_tshark_prints_them() {
        // An I frame with P set, N(S)=1, N(R)=1 (checked with tshark 4.0).
        let v = LlcView::new(&[0x42, 0x42, 0x02, 0x03]).unwrap();
        assert_eq!(collect(&v, Field::Control), ["0x0302"]);
        assert_eq!(collect(&v, Field::ControlNr), ["1"]);
        assert_eq!(collect(&v, Field::ControlNs), ["1"]);
        assert_eq!(collect(&v, Field::ControlP), ["1"]);
        assert_eq!(collect(&v, Field::ControlFtype), ["0x0000"]);
        // A TEST response with F set.
        let v = LlcView::new(&[0x42, 0x43, 0xf3]).unwrap();
        assert_eq!(collect(&v, Field::ControlF), ["1"]);
        assert_eq!(collect(&v, Field::ControlUResp), ["0x38"]);
    }

    #[test]
    fn snap_pid_fields_by_oui() {
        let mut b = SNAP_IP;
        b[3..6].copy_from_slice(&[0x00, 0x00, 0x81]);
        assert_eq!(
            collect(&LlcView::new(&b).unwrap(), Field::NortelPid),
            ["0x0800"]
        );
        b[3..6].copy_from_slice(&[0x00, 0x80, 0xc2]);
        assert_eq!(collect(&LlcView::new(&b).unwrap(), Field::Pid), ["0x0800"]);
        // EtherType OUI on a non-information frame: no type, not an EtherType.
        b[3..6].copy_from_slice(&[0, 0, 0]);
        b[2] = 0x13;
        let v = LlcView::new(&b).unwrap();
        assert!(collect(&v, Field::Type).is_empty());
        assert_eq!(v.snap_pid(), None);
    }

    #[test]
    fn truncated_headers_are_errors() {
        assert!(LlcView::new(&SNAP_IP[..7]).is_err());
        assert!(LlcView::new(&S_FRAME[..3]).is_err());
        assert!(LlcView::new(&STP[..2]).is_err());
    }

    proptest! {
        #[test]
        fn build_then_parse(dsap: u8, ssap: u8, control: u16, oui in 0u32..0x100_0000, pid: u16,
                            snap: bool, payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            let (dsap, ssap) = if snap { (sap::SNAP, sap::SNAP) } else { (dsap, ssap) };
            let is_snap = dsap == sap::SNAP && ssap == sap::SNAP;
            let control = if control & 3 == 3 { control & 0xff } else { control };
            let r = LlcRepr { dsap, ssap, control, snap: is_snap.then_some((oui, pid)) };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            buf.extend_from_slice(&payload);
            let v = LlcView::new(&buf).unwrap();
            prop_assert_eq!(LlcRepr::parse(&v), r);
            prop_assert_eq!(v.header_len(), hl);
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..16)) {
            if let Ok(v) = LlcView::new(&b) {
                assert_ranges_within(FIELDS, b.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let _ = (v.payload(), v.snap_pid());
            }
        }
    }
}
