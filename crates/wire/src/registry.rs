//! The field registry: every field of every protocol, found by its Wireshark
//! name. Consumers resolve names once (at start-up) to a [`FieldRef`] and then
//! read values per packet by position, with no string look-ups.

use crate::field::FieldDef;
use crate::proto::Proto;

/// A resolved field: its protocol and its position in that protocol's table.
/// `idx == None` names the protocol itself (`tcp` as a presence test).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldRef {
    pub proto: Proto,
    pub idx: Option<usize>,
}

impl FieldRef {
    /// The field's declaration, or `None` for a protocol reference.
    pub fn def(&self) -> Option<&'static FieldDef> {
        self.proto.fields().get(self.idx?)
    }

    /// The name the user wrote to mean this field.
    pub fn name(&self) -> &'static str {
        self.def().map_or(self.proto.name(), |d| d.name)
    }
}

/// Every declaration of a field or protocol name. Most names have one; a
/// few are declared by two protocols, as in Wireshark where two dissectors
/// share one field (`ieee8021ah.etype`: the 802.1ad tag and the 802.1ah
/// I-TAG both carry it).
pub fn lookup_all(name: &str) -> impl Iterator<Item = FieldRef> + '_ {
    Proto::ALL.iter().flat_map(move |&p| {
        let proto = (p.name() == name).then_some(FieldRef {
            proto: p,
            idx: None,
        });
        let fields = p
            .fields()
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.name == name)
            .map(move |(i, _)| FieldRef {
                proto: p,
                idx: Some(i),
            });
        proto.into_iter().chain(fields)
    })
}

/// Find a field or protocol by its Wireshark name (its first declaration).
pub fn lookup(name: &str) -> Option<FieldRef> {
    for &p in Proto::ALL {
        if p.name() == name {
            return Some(FieldRef {
                proto: p,
                idx: None,
            });
        }
        if let Some(i) = p.fields().iter().position(|d| d.name == name) {
            return Some(FieldRef {
                proto: p,
                idx: Some(i),
            });
        }
    }
    None
}

/// Every field, protocol by protocol, in declaration order.
pub fn all() -> impl Iterator<Item = (Proto, &'static FieldDef)> {
    Proto::ALL
        .iter()
        .flat_map(|&p| p.fields().iter().map(move |d| (p, d)))
}

/// Up to `n` known names closest to `name` (by edit distance), best first:
/// what an error about an unknown field suggests.
pub fn suggest(name: &str, n: usize) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = Proto::ALL
        .iter()
        .map(|p| p.name())
        .chain(all().map(|(_, d)| d.name))
        .map(|cand| (crate::diag::edit_distance(name, cand), cand))
        .collect();
    scored.sort();
    let limit = (name.len() / 2).max(2);
    scored
        .into_iter()
        .filter(|&(d, _)| d <= limit)
        .take(n)
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_or_shared_alike() {
        let mut protos = HashSet::new();
        for p in Proto::ALL {
            assert!(protos.insert(p.name()), "protocol {} twice", p.name());
        }
        let mut seen: std::collections::HashMap<&str, (Proto, crate::field::Kind)> =
            Default::default();
        for (p, d) in all() {
            assert!(
                !protos.contains(d.name),
                "field {} is also a protocol name",
                d.name
            );
            if let Some(&(q, k)) = seen.get(d.name) {
                // A shared name is declared by different protocols with one kind.
                assert!(q != p, "field {} twice in {}", d.name, p.name());
                assert_eq!(k, d.kind, "field {} has two kinds", d.name);
            }
            seen.insert(d.name, (p, d.kind));
        }
    }

    #[test]
    fn shared_names_resolve_to_every_owner() {
        let owners: Vec<Proto> = lookup_all("ieee8021ah.etype").map(|r| r.proto).collect();
        assert_eq!(owners, vec![Proto::Vlan, Proto::Pbb]);
    }

    #[test]
    fn finds_fields_and_protocols() {
        let f = lookup("eth.type").unwrap();
        assert_eq!(f.proto, Proto::Eth);
        assert_eq!(f.name(), "eth.type");
        assert_eq!(lookup("eth").unwrap().idx, None);
        assert!(lookup("eth.nonesuch").is_none());
    }

    #[test]
    fn suggests_near_names() {
        assert_eq!(suggest("eth.tpye", 1), vec!["eth.type"]);
    }
}
