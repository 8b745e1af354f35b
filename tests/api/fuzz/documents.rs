//! Generated documents: how broken they may be (`Mode`), their variables, and the selections and
//! operations walked from the schema.

use std::fmt::Write as _;
use std::rc::Rc;

use super::properties::Case;
use super::runner::Fuzzer;
use super::schema::{Field, InputValue};
use super::values::{json_string, Lit};

#[derive(Clone, Copy, Default)]
pub(super) struct Mode {
    /// Values of a wrong type.
    pub(super) chaos: u64,
    /// Odd Unicode and very long strings.
    pub(super) odd: u64,
    /// Numbers out of every range.
    pub(super) huge: u64,
    /// Arguments passed as variables.
    pub(super) vars: u64,
    /// Unknown fields and arguments, selections where there are none.
    pub(super) bad_fields: u64,
}

impl Mode {
    pub(super) const SANE: Mode = Mode {
        chaos: 0,
        odd: 3,
        huge: 0,
        vars: 10,
        bad_fields: 0,
    };

    pub(super) const BROKEN: Mode = Mode {
        chaos: 30,
        odd: 30,
        huge: 20,
        vars: 30,
        bad_fields: 10,
    };
}

#[derive(Default)]
pub(super) struct Vars {
    pub(super) decls: Vec<String>,
    pub(super) values: Vec<(String, Lit)>,
}

pub(super) struct Doc {
    pub(super) text: String,
    pub(super) vars: Vec<(String, Lit)>,
    pub(super) op_name: Option<String>,
}

impl Doc {
    pub(super) fn plain(text: impl Into<String>) -> Doc {
        Doc {
            text: text.into(),
            vars: Vec::new(),
            op_name: None,
        }
    }
}

impl Fuzzer {
    pub(super) fn variable(&mut self, arg: &InputValue, parent: &str, m: Mode, vars: &mut Vars) -> Lit {
        let name = format!("v{}", vars.decls.len());
        let declared = if self.rng.percent(m.chaos) {
            (*self
                .rng
                .pick(&["Int", "String!", "[ID!]!", "Boolean", "Foo", "ClusterFilter", "Float!"]))
            .to_owned()
        } else {
            arg.ty.render()
        };
        vars.decls.push(format!("${name}: {declared}"));
        if !self.rng.percent(m.chaos / 2) {
            let value = self.value(&arg.ty, &arg.name, parent, 0, m);
            vars.values.push((name.clone(), value));
        }
        Lit::Var(name)
    }

    pub(super) fn write_args(&mut self, args: &[InputValue], parent: &str, m: Mode, vars: &mut Vars, out: &mut String) {
        let mut parts: Vec<String> = Vec::new();
        let mut paging = false;
        for arg in args {
            let is_page = matches!(arg.name.as_str(), "first" | "last");
            let include = if arg.required() {
                !self.rng.percent(m.bad_fields / 3)
            } else if is_page {
                // Page sizes keep nested queries within their cost budget.
                self.rng.percent(if m.chaos > 0 { 60 } else { 80 })
            } else {
                self.rng.percent(30)
            };
            if !include || (is_page && paging && m.chaos == 0) {
                continue;
            }
            paging |= is_page;
            let value = if self.rng.percent(m.vars) {
                self.variable(arg, parent, m, vars)
            } else {
                self.value(&arg.ty, &arg.name, parent, 0, m)
            };
            parts.push(format!("{}: {}", arg.name, value.gql()));
        }
        if self.rng.percent(m.bad_fields) {
            parts.push(format!("bogus: {}", self.chaos_value(0).gql()));
        }
        if self.rng.percent(m.chaos / 4) && !parts.is_empty() {
            parts.push(parts[0].clone());
        }
        if !parts.is_empty() {
            let _ = write!(out, "({})", parts.join(", "));
        }
    }

    /// A field with its arguments and, for an object, a selection `levels - 1` deep.
    pub(super) fn write_field(
        &mut self,
        field: &Field,
        levels: usize,
        alias: Option<String>,
        m: Mode,
        vars: &mut Vars,
        out: &mut String,
    ) {
        out.push(' ');
        match alias {
            Some(alias) => {
                let _ = write!(out, "{alias}: ");
            }
            None if self.rng.percent(6) => {
                let _ = write!(out, "x{}: ", self.rng.below(1000));
            }
            None => {}
        }
        out.push_str(&field.name);
        self.write_args(&field.args, &field.name, m, vars, out);
        if self.rng.percent(m.bad_fields / 4) {
            out.push_str(" @fuzz");
        }
        if self.schema.is_leaf(field.ty.base()) {
            if self.rng.percent(m.bad_fields / 3) {
                out.push_str(" { id }");
            }
        } else if self.rng.percent(m.bad_fields / 4) {
            // An object without a selection.
        } else {
            self.selection(field.ty.base(), levels.saturating_sub(1), m, vars, out);
        }
    }

    /// A selection set on `type_name`, nesting at most `levels` fields (more when a type has no
    /// leaf field to stop at).
    pub(super) fn selection(&mut self, type_name: &str, levels: usize, m: Mode, vars: &mut Vars, out: &mut String) {
        let schema = Rc::clone(&self.schema);
        out.push_str(" {");
        let Some(def) = schema.types.get(type_name) else {
            out.push_str(" __typename }");
            return;
        };
        let leaves: Vec<&Field> = def.fields.iter().filter(|f| schema.is_leaf(f.ty.base())).collect();
        let branches: Vec<&Field> = def.fields.iter().filter(|f| !schema.is_leaf(f.ty.base())).collect();
        let mut written = 0;
        if !leaves.is_empty() {
            for _ in 0..1 + self.rng.below(3) {
                let field = *self.rng.pick(&leaves);
                self.write_field(field, 1, None, m, vars, out);
                written += 1;
            }
        }
        if !branches.is_empty() && (levels > 1 || leaves.is_empty()) {
            let count = if levels > 2 && self.rng.percent(20) { 2 } else { 1 };
            for _ in 0..count {
                let field = *self.rng.pick(&branches);
                self.write_field(field, levels.max(1), None, m, vars, out);
                written += 1;
            }
        }
        if !def.possible.is_empty() && self.rng.percent(60) {
            let possible = self.rng.pick(&def.possible).clone();
            let _ = write!(out, " ... on {possible}");
            self.selection(&possible, levels, m, vars, out);
            written += 1;
        }
        if self.rng.percent(m.bad_fields) {
            let bogus = match self.rng.below(4) {
                0 => " notAField".to_owned(),
                1 => " __schema { queryType { name } }".to_owned(),
                2 => " ... on NotAType { id }".to_owned(),
                _ => {
                    // A field of another type.
                    let objects = schema.object_types();
                    let other = &schema.types[*self.rng.pick(&objects)];
                    match other.fields.first() {
                        Some(f) => format!(" {}", f.name),
                        None => " nope".to_owned(),
                    }
                }
            };
            out.push_str(&bogus);
        }
        if written == 0 || self.rng.percent(8) {
            out.push_str(" __typename");
        }
        out.push_str(" }");
    }

    pub(super) fn root_fields(&self, mutation: bool) -> Vec<Field> {
        let root = if mutation {
            &self.schema.mutation
        } else {
            &self.schema.query
        };
        self.schema.types[root].fields.clone()
    }

    /// An operation of `roots` root fields (0: one or two), `levels` deep.
    pub(super) fn operation(&mut self, mutation: bool, roots: usize, levels: usize, m: Mode) -> Doc {
        let roots = if roots == 0 { 1 + self.rng.below(2) } else { roots };
        let fields = self.root_fields(mutation);
        let mut vars = Vars::default();
        let mut body = String::from("{");
        for _ in 0..roots {
            let field = self.rng.pick(&fields).clone();
            self.write_field(&field, levels, None, m, &mut vars, &mut body);
        }
        body.push_str(" }");
        self.finish(mutation, body, vars)
    }

    pub(super) fn finish(&mut self, mutation: bool, body: String, vars: Vars) -> Doc {
        let op_name = self.rng.percent(30).then(|| format!("Fuzz{}", self.rng.below(1000)));
        let keyword = if mutation { "mutation" } else { "query" };
        let mut text = String::new();
        if mutation || op_name.is_some() || !vars.decls.is_empty() || self.rng.percent(30) {
            text.push_str(keyword);
            if let Some(name) = &op_name {
                let _ = write!(text, " {name}");
            }
            if !vars.decls.is_empty() {
                let _ = write!(text, "({})", vars.decls.join(", "));
            }
            text.push(' ');
        }
        text.push_str(&body);
        Doc {
            text,
            vars: vars.values,
            op_name,
        }
    }

    pub(super) fn variables_json(&mut self, values: &[(String, Lit)], m: Mode) -> String {
        if self.rng.percent(m.chaos / 3) {
            let wrong = [
                "\"oops\"",
                "[1,2]",
                "42",
                "null",
                "true",
                "{\"v0\":{\"a\":[[[{}]]]}}",
                "{\"\":null}",
            ];
            return if self.rng.percent(20) {
                format!("{{\"v0\":{}1{}}}", "[".repeat(300), "]".repeat(300))
            } else {
                self.rng.pick_str(&wrong).to_owned()
            };
        }
        let mut out = String::from("{");
        for (i, (name, value)) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{}:", json_string(name));
            if self.rng.percent(m.chaos / 2) {
                self.chaos_value(0).write_json(&mut out);
            } else {
                value.write_json(&mut out);
            }
        }
        if self.rng.percent(m.chaos / 3) {
            if !values.is_empty() {
                out.push(',');
            }
            out.push_str("\"unused\":{\"nested\":[1,\"two\",null,{\"x\":1e308}]}");
        }
        out.push('}');
        out
    }

    pub(super) fn token(&mut self) -> Option<String> {
        match self.rng.below(20) {
            0..=8 => None,
            9..=15 => Some(self.admin.clone()),
            _ => Some(self.rng.pick(&self.others).clone()),
        }
    }

    /// The JSON body of one operation.
    pub(super) fn operation_json(&mut self, doc: &Doc, m: Mode) -> String {
        let mut body = format!("{{\"query\":{}", json_string(&doc.text));
        if !doc.vars.is_empty() || self.rng.percent(20) {
            let vars = self.variables_json(&doc.vars, m);
            let _ = write!(body, ",\"variables\":{vars}");
        }
        match &doc.op_name {
            Some(name) if self.rng.percent(70) => {
                let _ = write!(body, ",\"operationName\":{}", json_string(name));
            }
            _ if self.rng.percent(m.chaos / 3) => body.push_str(",\"operationName\":\"NoSuchOperation\""),
            _ => {}
        }
        body.push('}');
        body
    }

    pub(super) fn post_case(&mut self, kind: &'static str, body: String, token: Option<String>) -> Case {
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(token) = token {
            headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
        }
        if self.rng.percent(20) {
            headers.push(("Accept".to_owned(), "application/graphql-response+json".to_owned()));
        }
        Case {
            kind,
            get: None,
            headers,
            plain: body.clone(),
            body: body.into_bytes(),
            batch: None,
        }
    }

    pub(super) fn doc_case(&mut self, kind: &'static str, doc: Doc, m: Mode) -> Case {
        let body = self.operation_json(&doc, m);
        let token = self.token();
        self.post_case(kind, body, token)
    }

    pub(super) fn depth(&mut self) -> usize {
        match self.rng.below(10) {
            0..=5 => self.rng.between(1, 4) as usize,
            6..=8 => self.rng.between(5, 10) as usize,
            _ => self.rng.between(11, 14) as usize,
        }
    }
}
