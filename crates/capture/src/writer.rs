//! [`PcapWriter`]: classic pcap output (`-w`, sample captures).

use std::io::{self, Write};

use crate::packet::Packet;
use crate::pcap;
use crate::reader::TsResolution;

/// Writes classic pcap in the machine's byte order, as libpcap does.
///
/// Records are written straight to `W`; give it a [`std::io::BufWriter`]
/// for files.
///
/// ```
/// use wiresift_capture::{PcapWriter, FileReader, linktype};
/// let mut w = PcapWriter::new(Vec::new(), linktype::ETHERNET, 65535, false)?;
/// w.write_record(1_700_000_000, 123_456_000, 60, &[0u8; 60])?;
/// let bytes = w.into_inner();
/// let mut r = FileReader::new(&bytes[..]).unwrap();
/// assert_eq!(r.next_packet().unwrap().unwrap().ts_nanos, 123_456_000);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    nanos: bool,
    snaplen: u32,
    link_type: u32,
    packets: u64,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header: link type (`LINKTYPE_*`), snapshot length
    /// (records are cut to it; 0 means 262144) and timestamp resolution
    /// (nanoseconds, magic 0xa1b23c4d, or microseconds, 0xa1b2c3d4).
    pub fn new(mut out: W, link_type: u32, snaplen: u32, nanos: bool) -> io::Result<Self> {
        let snaplen = if snaplen == 0 { 262_144 } else { snaplen };
        let magic = if nanos {
            pcap::MAGIC_NS_LE
        } else {
            pcap::MAGIC_US_LE
        };
        let magic = u32::from_le_bytes(magic);
        let mut h = [0u8; pcap::FILE_HEADER_LEN];
        h[0..4].copy_from_slice(&magic.to_ne_bytes());
        h[4..6].copy_from_slice(&2u16.to_ne_bytes());
        h[6..8].copy_from_slice(&4u16.to_ne_bytes());
        // thiszone and sigfigs stay 0.
        h[16..20].copy_from_slice(&snaplen.to_ne_bytes());
        h[20..24].copy_from_slice(&link_type.to_ne_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter {
            out,
            nanos,
            snaplen,
            link_type,
            packets: 0,
        })
    }

    /// Writes one record. `data` is cut to the snapshot length; `orig_len`
    /// is raised to `data.len()` if smaller. Seconds must fit pcap's
    /// unsigned 32 bits (1970 to 2106); the fraction is written in the file's
    /// resolution (nanoseconds are truncated to microseconds in a
    /// microsecond file).
    pub fn write_record(
        &mut self,
        ts_secs: i64,
        ts_nanos: u32,
        orig_len: u32,
        data: &[u8],
    ) -> io::Result<()> {
        let secs = u32::try_from(ts_secs).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("timestamp {ts_secs} s is outside pcap's range (0 to 4294967295)"),
            )
        })?;
        let ts_nanos = ts_nanos.min(999_999_999);
        let frac = if self.nanos {
            ts_nanos
        } else {
            ts_nanos / 1000
        };
        let cap = data.len().min(self.snaplen as usize);
        let cap32 = cap as u32; // snaplen is a u32
        let orig = orig_len.max(u32::try_from(data.len()).unwrap_or(u32::MAX));
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&secs.to_ne_bytes());
        h[4..8].copy_from_slice(&frac.to_ne_bytes());
        h[8..12].copy_from_slice(&cap32.to_ne_bytes());
        h[12..16].copy_from_slice(&orig.to_ne_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(&data[..cap])?;
        self.packets += 1;
        Ok(())
    }

    /// Writes a packet read from any source (its link type is not checked
    /// against the file's).
    pub fn write_packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.write_record(p.ts_secs, p.ts_nanos, p.orig_len, p.data)
    }

    /// Link type written in the header.
    pub fn link_type(&self) -> u32 {
        self.link_type
    }

    /// Timestamp resolution of the file.
    pub fn resolution(&self) -> TsResolution {
        if self.nanos {
            TsResolution::NANO
        } else {
            TsResolution::MICRO
        }
    }

    /// Records written so far.
    pub fn packets_written(&self) -> u64 {
        self.packets
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Flushes and gives back the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    /// Gives back the underlying writer without flushing it.
    pub fn into_inner(self) -> W {
        self.out
    }
}
