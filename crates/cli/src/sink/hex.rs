//! `-x`: the packet's bytes in tshark's layout, 16 a row: offset, hex, ASCII.

use wiresift_engine::Dissection;

/// Append the hex dump of the frame's bytes, then a blank line.
pub fn dump(d: &Dissection, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = d.frame().map_or(&[][..], |f| f.bytes);
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let off = row * 16;
        for shift in [12, 8, 4, 0] {
            out.push(HEX[(off >> shift) & 0xf]);
        }
        out.extend_from_slice(b"  ");
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    out.push(HEX[usize::from(b >> 4)]);
                    out.push(HEX[usize::from(b & 0xf)]);
                    out.push(b' ');
                }
                None => out.extend_from_slice(b"   "),
            }
            if i == 7 {
                out.push(b' ');
            }
        }
        out.extend_from_slice(b"  ");
        out.extend(
            chunk
                .iter()
                .map(|&b| if (0x20..0x7f).contains(&b) { b } else { b'.' }),
        );
        out.push(b'\n');
    }
    out.push(b'\n');
}
