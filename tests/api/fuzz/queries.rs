//! Query cases: plain, aliased, repeated, deep, with fragments, broken, and introspection.

use std::fmt::Write as _;
use std::rc::Rc;

use super::documents::{Doc, Mode, Vars};
use super::properties::Case;
use super::runner::Fuzzer;
use super::values::{json_string, Lit};

impl Fuzzer {
    pub(super) fn query_case(&mut self) -> Case {
        let roll = self.rng.below(100);
        let shallow = self.rng.between(1, 4) as usize;
        let levels = self.depth();
        let (kind, m, doc) = match roll {
            0..=29 => ("valid query", Mode::SANE, None),
            30..=39 => (
                "wrong-typed arguments",
                Mode {
                    chaos: 40,
                    ..Mode::SANE
                },
                None,
            ),
            40..=49 => (
                "variables",
                Mode {
                    vars: 80,
                    chaos: if self.rng.percent(50) { 0 } else { 25 },
                    ..Mode::SANE
                },
                None,
            ),
            50..=54 => (
                "unknown fields",
                Mode {
                    bad_fields: 30,
                    ..Mode::SANE
                },
                None,
            ),
            55..=59 => {
                let m = Mode {
                    huge: 60,
                    vars: 30,
                    ..Mode::SANE
                };
                ("huge numbers", m, Some(self.operation(false, 0, shallow, m)))
            }
            60..=67 => {
                let m = Mode {
                    odd: 70,
                    vars: 30,
                    ..Mode::SANE
                };
                ("odd unicode", m, Some(self.operation(false, 0, shallow, m)))
            }
            68..=72 => ("many aliases", Mode::SANE, Some(self.aliases_doc())),
            73..=76 => ("repeated fields", Mode::SANE, Some(self.repeated_doc())),
            77..=82 => ("deep nesting", Mode::SANE, Some(self.deep_doc())),
            83..=87 => ("fragments and directives", Mode::SANE, Some(self.fragments_doc())),
            88..=95 => ("broken syntax", Mode::SANE, Some(self.broken_doc())),
            _ => ("introspection", Mode::SANE, Some(self.introspection_doc())),
        };
        let doc = match doc {
            Some(doc) => doc,
            None => self.operation(false, 0, levels, m),
        };
        self.doc_case(kind, doc, m)
    }

    pub(super) fn aliases_doc(&mut self) -> Doc {
        let fields = self.root_fields(false);
        let count = self.rng.between(1, 40) as usize;
        let mut vars = Vars::default();
        let mut body = String::from("{");
        for i in 0..count {
            let field = self.rng.pick(&fields).clone();
            self.write_field(&field, 2, Some(format!("a{i}")), Mode::SANE, &mut vars, &mut body);
        }
        body.push_str(" }");
        self.finish(false, body, vars)
    }

    pub(super) fn repeated_doc(&mut self) -> Doc {
        let fields = self.root_fields(false);
        let field = self.rng.pick(&fields).clone();
        let times = self.rng.between(1, 8) as usize;
        let mut vars = Vars::default();
        let mut body = String::from("{");
        if self.rng.percent(30) {
            // The same root field again and again.
            let mut one = String::new();
            self.write_field(&field, 2, None, Mode::SANE, &mut vars, &mut one);
            body.push_str(&one.repeat(times));
        } else {
            body.push(' ');
            body.push_str(&field.name);
            self.write_args(&field.args, &field.name, Mode::SANE, &mut vars, &mut body);
            let schema = Rc::clone(&self.schema);
            if !schema.is_leaf(field.ty.base()) {
                let leaves: Vec<String> = schema
                    .types
                    .get(field.ty.base())
                    .map(|t| {
                        t.fields
                            .iter()
                            .filter(|f| schema.is_leaf(f.ty.base()))
                            .map(|f| f.name.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                let leaf = if leaves.is_empty() {
                    "__typename".to_owned()
                } else {
                    self.rng.pick(&leaves).clone()
                };
                let _ = write!(body, " {{{} }}", format!(" {leaf}").repeat(times));
            }
        }
        body.push_str(" }");
        self.finish(false, body, vars)
    }

    pub(super) fn deep_doc(&mut self) -> Doc {
        let sizes = [13, 30, 64, 65, 100, 500, 2_000, 20_000];
        // Deeper lists and objects can overflow the server's stack, which aborts the process:
        // those go to a server process of its own (`fuzz_deep_nesting_in_a_server_process`).
        let value_sizes = [13, 30, 64, 65, 100, 150];
        match self.rng.below(10) {
            0..=4 => {
                let levels = self.rng.between(10, 14) as usize;
                self.operation(false, 1, levels, Mode::SANE)
            }
            5 | 6 => {
                // Nesting far beyond the schema: the parser and the depth limit must refuse it.
                let n = *self.rng.pick(&sizes);
                Doc::plain(format!("{{{} me {}}}", "me {".repeat(n), "}".repeat(n)))
            }
            7 => {
                let n = *self.rng.pick(&value_sizes);
                Doc::plain(format!(
                    "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
                    "[".repeat(n),
                    "]".repeat(n)
                ))
            }
            8 => {
                let n = *self.rng.pick(&value_sizes);
                Doc::plain(format!(
                    "{{ clusters(filter: {}\"x\"{}) {{ totalCount }} }}",
                    "{query: ".repeat(n),
                    "}".repeat(n)
                ))
            }
            _ => {
                // Deep through real fields, with one item per page.
                let n = self.rng.between(6, 16);
                let mut text = String::from("{ clusters(first: 1) { nodes {");
                let mut closing = String::from("} } }");
                for i in 0..n {
                    if i % 2 == 0 {
                        text.push_str(" partnerships(first: 1) { nodes {");
                    } else {
                        text.push_str(" members(first: 1) { nodes {");
                    }
                    closing.push_str(" } }");
                }
                text.push_str(" id ");
                text.push_str(&closing);
                Doc::plain(text)
            }
        }
    }

    pub(super) fn fragments_doc(&mut self) -> Doc {
        match self.rng.below(12) {
            0 => {
                let levels = self.rng.between(1, 4) as usize;
                let mut vars = Vars::default();
                let mut set = String::new();
                let query = self.schema.query.clone();
                self.selection(&query, levels, Mode::SANE, &mut vars, &mut set);
                let body = format!("{{ ...F }} fragment F on {query}{set}");
                self.finish(false, body, vars)
            }
            1 => Doc::plain("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
            2 => Doc::plain("{ ...Missing }"),
            3 => Doc::plain("{ me { ...F } } fragment F on Cluster { id }"),
            4 => Doc::plain("{ node(id: \"x\") { ... on NotAType { id } } }"),
            5 => Doc::plain("{ me @include(if: true) @skip(if: false) { role } }"),
            6 => Doc::plain(format!("{{ me{} {{ role }} }}", " @include(if: true)".repeat(6))),
            7 => Doc::plain("query @include(if: true) { me { role } }"),
            8 => Doc::plain("{ me @fuzz(level: 9) { role } }"),
            9 => {
                let n = self.rng.between(18, 30) as usize;
                Doc::plain(format!("{{ me {{ role{} }} }}", " @skip(if: false)".repeat(n)))
            }
            10 => {
                let value = if self.rng.percent(50) {
                    Lit::Bool(self.rng.percent(50))
                } else {
                    self.chaos_value(0)
                };
                Doc {
                    text: "query($s: Boolean!) { me @skip(if: $s) { role } clusters(first: 1) @include(if: $s) { totalCount } }".into(),
                    vars: vec![("s".into(), value)],
                    op_name: None,
                }
            }
            _ => Doc::plain(
                "{ clusters(first: 2) { nodes { ...C } } } fragment C on Cluster { id name ...D } \
                 fragment D on Cluster { slug members(first: 1) { nodes { name } } }",
            ),
        }
    }

    pub(super) fn broken_doc(&mut self) -> Doc {
        let levels = self.rng.between(1, 5) as usize;
        let valid = self.operation(false, 0, levels, Mode::SANE);
        let chars: Vec<char> = valid.text.chars().collect();
        let at = self.rng.below(chars.len().max(1)).min(chars.len());
        let insert = |junk: &str| {
            let mut s: String = chars[..at].iter().collect();
            s.push_str(junk);
            s.extend(&chars[at..]);
            s
        };
        let text: String = match self.rng.below(12) {
            0 | 1 => chars[..at].iter().collect(),
            2 => chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != at)
                .map(|(_, c)| c)
                .collect(),
            3 | 4 => insert(self.rng.pick_str(&[
                "{", "}", "(", ")", "[", "]", ":", "$", "@", "!", "...", "\"", "#", "=", "|", "&", ",",
            ])),
            5 => insert(self.rng.pick_str(&[
                "\u{0}", "\u{FEFF}", "\u{2028}", "\u{1}", "\u{7f}", "\u{D7FF}", "😀", "\r",
            ])),
            6 => (0..self.rng.below(300))
                .map(|_| char::from(self.rng.below(256) as u8))
                .collect(),
            7 => "{".repeat(self.rng.between(1, 300) as usize),
            8 => format!("{} }}", valid.text),
            9 => (*self.rng.pick(&[
                "",
                "   ",
                "# only a comment",
                "subscription { me { role } }",
                "mutation",
                "{ me { role } } { me { role } }",
                "query A { me { role } } query A { me { role } }",
                "fragment F on Query { me { role } }",
                "{ me { role } } garbage",
                "query ($: Int) { me { role } }",
                "{ clusters(first: ) { totalCount } }",
                "{ clusters(first: 1 first: 2) { totalCount } }",
                "{ \"me\" }",
                "{ me { role } ",
                "query Q($a: Int = \"x\") { me { role } }",
                "{ clusters(first: 0x10) { totalCount } }",
                "{ clusters(first: 1.) { totalCount } }",
                "{ clusterBySlug(slug: \"unterminated) { id } }",
                "{ clusterBySlug(slug: \"\"\"block) { id } }",
            ]))
            .to_owned(),
            10 => valid.text.replace('{', "(").replace('}', ")"),
            _ => valid.text.chars().rev().collect(),
        };
        Doc {
            text,
            vars: valid.vars,
            op_name: valid.op_name,
        }
    }

    pub(super) fn introspection_doc(&mut self) -> Doc {
        let types: Vec<String> = self.schema.types.keys().cloned().collect();
        let name = if self.rng.percent(70) {
            json_string(self.rng.pick(&types).as_str())
        } else {
            self.odd_string().gql()
        };
        Doc::plain(match self.rng.below(5) {
            0 => format!(
                "{{ __type(name: {name}) {{ name kind fields {{ name args {{ name }} }} inputFields {{ name }} enumValues {{ name }} }} }}"
            ),
            1 => "{ __schema { types { name } directives { name locations args { name } } } }".to_owned(),
            2 => "{ __typename me { __typename } }".to_owned(),
            3 => "{ me { __schema { queryType { name } } } }".to_owned(),
            _ => format!(
                "{{ __type(name: {name}) {{ name ofType {{ name ofType {{ name ofType {{ name ofType {{ name }} }} }} }} }} }}"
            ),
        })
    }
}
