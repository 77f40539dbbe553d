//! The ranges of a message that have come, kept sorted and merged: IP
//! fragments and DTLS handshake fragments are put together by them.

/// Add `r` to `have` (sorted and merged): touching or overlapping ranges
/// become one.
pub fn add<T: Ord + Copy>(have: &mut Vec<(T, T)>, r: (T, T)) {
    let at = have.partition_point(|x| x.0 < r.0);
    have.insert(at, r);
    let mut merged: Vec<(T, T)> = Vec::with_capacity(have.len());
    for &(s, e) in have.iter() {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    *have = merged;
}

#[cfg(test)]
mod tests {
    use super::add;

    #[test]
    fn ranges_merge_when_they_touch_or_overlap() {
        let mut have = Vec::new();
        for r in [(10, 20), (30, 40), (0, 5), (20, 25), (35, 50), (5, 6)] {
            add(&mut have, r);
        }
        assert_eq!(have, [(0, 6), (10, 25), (30, 50)]);
        add(&mut have, (6, 30));
        assert_eq!(have, [(0, 50)]);
    }
}
