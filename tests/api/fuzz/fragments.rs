//! Fragment-heavy and alias-heavy documents: bombs of spreads within spreads, inline fragments,
//! chains deeper than any limit, cycles, many aliases of expensive fields (text-search counts,
//! facets, recommendations, logins), the same field under one key many times, and batches of
//! all of these. Besides what every answer must hold, a refusal must come quickly: the work
//! before a refusal is bounded by the document, not by what it would expand to.

use std::time::Duration;

use super::rng::Rng;
use super::{properties::Case, runner::Fuzzer};

/// How long a refused request may take, generous for a debug build on a shared machine.
pub(super) const REFUSAL_BOUND: Duration = Duration::from_millis(1_500);

const LEAVES: &[&str] = &[
    "__typename",
    "me { role }",
    "clusters(first: 1) { totalCount }",
    r#"clusters(first: 2, filter: {query: "aero"}) { totalCount nodes { name } }"#,
    r#"clusterFacets(filter: {query: "digital"}) { countries { value count } }"#,
    "partnerships(first: 3) { nodes { name members { nodes { name } } } }",
];

const LOGIN: &str = r#"login(input: {email: "fuzz@example.org", password: "not the password at all"}) { accessToken }"#;

fn spreads(rng: &mut Rng, name: &str, n: usize) -> String {
    (0..n)
        .map(|_| match rng.below(4) {
            0 => format!("... on Query {{ ...{name} }}"),
            1 => format!("... {{ ...{name} }}"),
            _ => format!("...{name}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Fragments that each spread the one below `fan_out` times, `levels` deep.
fn bomb(rng: &mut Rng) -> String {
    let levels = rng.between(1, 9) as usize;
    let fan_out = rng.between(1, 12) as usize;
    let leaf = rng.pick_str(LEAVES);
    let mut doc = format!("{{ ...F{levels} }} fragment F0 on Query {{ {leaf} }}");
    for level in 1..=levels {
        let body = spreads(rng, &format!("F{}", level - 1), fan_out);
        doc.push_str(&format!(" fragment F{level} on Query {{ {body} }}"));
    }
    doc
}

/// A chain of fragments, each spreading the next once, sometimes longer than any limit.
fn chain(rng: &mut Rng) -> String {
    let length = *rng.pick(&[3usize, 20, 40, 70, 200, 2_000]);
    let mut doc = "{ ...C0 }".to_owned();
    for i in 0..length {
        let body = spreads(rng, &format!("C{}", i + 1), 1);
        doc.push_str(&format!(" fragment C{i} on Query {{ __typename {body} }}"));
    }
    doc.push_str(&format!(" fragment C{length} on Query {{ __typename }}"));
    doc
}

/// Fragments that spread each other in a ring, with branches.
fn cycle(rng: &mut Rng) -> String {
    let ring = rng.between(1, 6) as usize;
    let mut doc = "{ ...R0 }".to_owned();
    for i in 0..ring {
        let branches = rng.between(1, 3) as usize;
        let body = spreads(rng, &format!("R{}", (i + 1) % ring), branches);
        doc.push_str(&format!(" fragment R{i} on Query {{ __typename {body} }}"));
    }
    doc
}

/// Many aliases of an expensive field, written out or spread from a fragment.
fn aliases(rng: &mut Rng) -> String {
    let leaf = rng.pick_str(&LEAVES[2..]);
    let n = rng.between(2, 60) as usize;
    let fields: Vec<String> = (0..n).map(|i| format!("a{i}: {leaf}")).collect();
    if rng.percent(50) {
        format!("{{ {} }}", fields.join(" "))
    } else {
        let times = rng.between(1, 400) as usize;
        let five = fields.into_iter().take(5).collect::<Vec<_>>().join(" ");
        format!(
            "{{ ...H }} fragment H on Query {{ {} }} fragment A on Query {{ {five} }}",
            spreads(rng, "A", times)
        )
    }
}

/// One expensive field under the same response key, many times.
fn repeated(rng: &mut Rng) -> String {
    let leaf = rng.pick_str(&LEAVES[2..]);
    let n = *rng.pick(&[2usize, 5, 30, 130, 700, 1_200]);
    format!("{{ {} }}", vec![leaf; n].join(" "))
}

/// Credential checks: aliases, spreads and inline fragments of `login`.
fn logins(rng: &mut Rng) -> String {
    let n = rng.between(2, 200) as usize;
    match rng.below(3) {
        0 => format!(
            "mutation {{ {} }}",
            (0..n.min(40))
                .map(|i| format!("l{i}: {LOGIN}"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        1 => format!(
            "mutation {{ {} }} fragment L on Mutation {{ {LOGIN} }}",
            vec!["...L"; n].join(" ")
        ),
        _ => format!(
            "mutation {{ {} }}",
            vec![format!("... on Mutation {{ {LOGIN} }}"); n].join(" ")
        ),
    }
}

fn document(rng: &mut Rng) -> (&'static str, String) {
    match rng.below(6) {
        0 => ("fragment bomb", bomb(rng)),
        1 => ("fragment chain", chain(rng)),
        2 => ("fragment cycle", cycle(rng)),
        3 => ("aliases of expensive fields", aliases(rng)),
        4 => ("one field repeated", repeated(rng)),
        _ => ("credential checks", logins(rng)),
    }
}

fn json_query(query: &str) -> String {
    serde_json::json!({ "query": query }).to_string()
}

impl Fuzzer {
    pub(super) fn fragment_case(&mut self) -> Case {
        let token = self.token();
        if self.rng.percent(15) {
            let n = self.rng.between(2, 6) as usize;
            let ops: Vec<String> = (0..n).map(|_| json_query(&document(&mut self.rng).1)).collect();
            let mut case = self.post_case("batch of heavy documents", format!("[{}]", ops.join(",")), token);
            case.batch = Some(n);
            return case;
        }
        let (kind, query) = document(&mut self.rng);
        self.post_case(kind, json_query(&query), token)
    }
}
