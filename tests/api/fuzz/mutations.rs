//! Mutation cases: random inputs to every mutation, and reads of what they left behind.

use std::fmt::Write as _;

use super::documents::{Mode, Vars};
use super::properties::Case;
use super::runner::Fuzzer;
use super::values::{url_encode, Lit};

impl Fuzzer {
    pub(super) fn mutation_case(&mut self) -> Case {
        if self.rng.percent(12) {
            // Read what the mutations left behind.
            let levels = self.depth();
            let doc = self.operation(false, 0, levels, Mode::SANE);
            let body = self.operation_json(&doc, Mode::SANE);
            let admin = Some(self.admin.clone());
            return self.post_case("query after mutations", body, admin);
        }
        let fields = self.root_fields(true);
        let mut field = self.rng.pick(&fields).clone();
        // Password hashing is slow by design: fewer of those.
        if matches!(field.name.as_str(), "register" | "login" | "changePassword") && self.rng.percent(60) {
            field = self.rng.pick(&fields).clone();
        }
        let sane = self.rng.percent(55);
        let m = if sane {
            Mode { vars: 0, ..Mode::SANE }
        } else {
            Mode {
                vars: 0,
                chaos: 15,
                ..Mode::BROKEN
            }
        };
        let kind = if sane { "mutation" } else { "mutation with broken input" };
        let mut vars = Vars::default();
        let as_variables = self.rng.percent(40);
        let mut body = format!("{{ {}", field.name);
        let mut parts = Vec::new();
        for arg in &field.args {
            let parent = arg.ty.base().to_owned();
            let value = if as_variables {
                let name = format!("v{}", vars.decls.len());
                vars.decls.push(format!("${name}: {}", arg.ty.render()));
                let value = self.value(&arg.ty, &arg.name, &parent, 0, m);
                vars.values.push((name.clone(), value));
                Lit::Var(name)
            } else {
                self.value(&arg.ty, &arg.name, &parent, 0, m)
            };
            parts.push(format!("{}: {}", arg.name, value.gql()));
        }
        if !parts.is_empty() {
            let _ = write!(body, "({})", parts.join(", "));
        }
        if !self.schema.is_leaf(field.ty.base()) {
            let levels = self.rng.between(1, 4) as usize;
            self.selection(field.ty.base(), levels, m, &mut vars, &mut body);
        }
        body.push_str(" }");
        let doc = self.finish(true, body, vars);
        let json = self.operation_json(&doc, m);
        let token = match self.rng.below(20) {
            0..=10 => Some(self.admin.clone()),
            11..=15 => None,
            _ => Some(self.rng.pick(&self.others).clone()),
        };
        let mut case = self.post_case(kind, json, token);
        if self.rng.percent(10) {
            // Idempotency keys: new ones, reused ones (with another body), odd ones.
            let key = match self.rng.below(4) {
                0 if !self.idempotency_keys.is_empty() => self.rng.pick(&self.idempotency_keys).clone(),
                1 => "key with spaces, \\\"quotes\\\" and %00".to_owned(),
                2 => "x".repeat(200),
                _ => format!("fuzz-{}", self.rng.next()),
            };
            self.idempotency_keys.push(key.clone());
            case.headers.push(("Idempotency-Key".into(), key));
            case.kind = "mutation with an idempotency key";
        }
        if self.rng.percent(5) {
            // Mutations may not travel by GET.
            case.get = Some(format!("query={}", url_encode(&doc.text)));
            case.kind = "mutation over GET";
        }
        case
    }
}
