//! Generated argument values: by type and by field name, sane or broken as the mode says.

use std::rc::Rc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clusterbridge::seed::DEMO_ACCOUNTS;

use super::documents::Mode;
use super::runner::Fuzzer;
use super::schema::Ty;
use super::values::{Lit, COUNTRIES, ESCAPES, HUGE_NUMBERS, ODD_STRINGS};

impl Fuzzer {
    pub(super) fn odd_string(&mut self) -> Lit {
        match self.rng.below(10) {
            0 => Lit::Escaped(self.rng.pick_str(ESCAPES)),
            1 => {
                let unit = self.rng.pick_str(&["x", "€", "😀", "\u{200D}", "a\u{301}", "中"]);
                Lit::Str(unit.repeat(10_240 / unit.len()))
            }
            2 => {
                let mut s = String::new();
                for _ in 0..self.rng.between(1, 12) {
                    s.push(char::from_u32(self.rng.between(0, 0x10FFFF) as u32).unwrap_or('\u{FFFD}'));
                }
                Lit::Str(s)
            }
            _ => Lit::Str(self.rng.pick_str(ODD_STRINGS).to_owned()),
        }
    }

    pub(super) fn huge_number(&mut self) -> Lit {
        Lit::Raw(self.rng.pick_str(HUGE_NUMBERS).to_owned())
    }

    /// Anything at all, of a type nobody asked for.
    pub(super) fn chaos_value(&mut self, depth: usize) -> Lit {
        match self.rng.below(11) {
            0 | 1 => self.huge_number(),
            2 => self.odd_string(),
            3 => Lit::Bool(self.rng.percent(50)),
            4 => Lit::Enum(
                self.rng
                    .pick_str(&["FOO", "NONE", "ADMIN", "null_", "TRUE", "DE"])
                    .to_owned(),
            ),
            5 if depth < 4 => Lit::List((0..self.rng.below(4)).map(|_| self.chaos_value(depth + 1)).collect()),
            6 if depth < 4 => Lit::Obj(vec![("zzz".into(), self.chaos_value(depth + 1))]),
            7 => Lit::Null,
            8 => Lit::Var("undeclared".into()),
            9 => Lit::Str(format!("fuzz {}", self.rng.below(1000))),
            _ => Lit::Raw(self.rng.between(-5, 200).to_string()),
        }
    }

    pub(super) fn value(&mut self, ty: &Ty, name: &str, parent: &str, depth: usize, m: Mode) -> Lit {
        if self.rng.percent(m.chaos) {
            return self.chaos_value(depth);
        }
        match ty {
            Ty::NonNull(inner) => self.value(inner, name, parent, depth, m),
            Ty::List(inner) => {
                if m.chaos > 0 && self.rng.percent(10) {
                    // Lists far longer than anyone expects.
                    let n = self.rng.between(20, 60) as usize;
                    return Lit::List((0..n).map(|_| self.value(inner, name, parent, depth + 1, m)).collect());
                }
                if self.rng.percent(5) {
                    // A single value where a list is expected is coerced to a list of one.
                    return self.value(inner, name, parent, depth + 1, m);
                }
                let n = self.rng.below(4);
                Lit::List((0..n).map(|_| self.value(inner, name, parent, depth + 1, m)).collect())
            }
            Ty::Named(t) => self.named_value(t, name, parent, depth, m),
        }
    }

    pub(super) fn named_value(&mut self, t: &str, name: &str, parent: &str, depth: usize, m: Mode) -> Lit {
        match t {
            "Int" => self.int_value(name, m),
            "Float" => {
                if self.rng.percent(m.huge.max(5)) {
                    let raw = [
                        "1e308",
                        "-1e308",
                        "5e-324",
                        "1e400",
                        "91",
                        "-181",
                        "-0.0",
                        "NaN",
                        "2147483648",
                    ];
                    Lit::Raw(self.rng.pick_str(&raw).to_owned())
                } else {
                    Lit::Raw(format!("{}.{}", self.rng.between(-90, 89), self.rng.below(1000)))
                }
            }
            "Boolean" => Lit::Bool(self.rng.percent(50)),
            "ID" => self.id_value(name, parent, m),
            "Date" => self.date_value(m, false),
            "DateTime" => self.date_value(m, true),
            "String" => self.string_value(name, m),
            _ => {
                let schema = Rc::clone(&self.schema);
                let Some(def) = schema.types.get(t) else {
                    return self.string_value(name, m);
                };
                match def.kind.as_str() {
                    "ENUM" if !def.enums.is_empty() => {
                        if self.rng.percent(m.chaos) {
                            // An enum value in quotes, or one that does not exist.
                            return if self.rng.percent(50) {
                                Lit::Str(self.rng.pick(&def.enums).clone())
                            } else {
                                Lit::Enum("NOT_A_VALUE".into())
                            };
                        }
                        Lit::Enum(self.rng.pick(&def.enums).clone())
                    }
                    "INPUT_OBJECT" => {
                        if depth > 6 {
                            return Lit::Null;
                        }
                        let mut fields = Vec::new();
                        for input in &def.inputs {
                            let include = if input.required() {
                                !self.rng.percent(m.bad_fields.max(m.chaos) / 3)
                            } else {
                                self.rng.percent(40)
                            };
                            if include {
                                let value = self.value(&input.ty, &input.name, t, depth + 1, m);
                                fields.push((input.name.clone(), value));
                            }
                        }
                        if self.rng.percent(m.bad_fields.max(m.chaos) / 2) {
                            fields.push(("notAField".into(), Lit::Raw("1".into())));
                        }
                        if self.rng.percent(m.chaos / 2) && !fields.is_empty() {
                            let again = fields[self.rng.below(fields.len())].clone();
                            fields.push(again);
                        }
                        Lit::Obj(fields)
                    }
                    _ => self.string_value(name, m),
                }
            }
        }
    }

    pub(super) fn int_value(&mut self, name: &str, m: Mode) -> Lit {
        if self.rng.percent(m.huge) {
            return self.huge_number();
        }
        let n = match name {
            "first" | "last" => match self.rng.below(20) {
                0 => *self.rng.pick(&[0, -1, 101, 100, 1, 1000]),
                1..=4 => self.rng.between(1, 100),
                _ => self.rng.between(1, 3),
            },
            "version" => self.rng.between(0, 4),
            "foundedYear" | "beganIn" => *self.rng.pick(&[1850, 1990, 2005, 2024, 2100, 0, -44, 99_999]),
            "fundingEur" => *self.rng.pick(&[0, 1, 250_000, 2_147_483_647, -1]),
            _ => self.rng.between(0, 60),
        };
        Lit::Raw(n.to_string())
    }

    pub(super) fn id_value(&mut self, name: &str, parent: &str, m: Mode) -> Lit {
        if self.rng.percent(m.odd) {
            return self.odd_string();
        }
        let hint = match name {
            "clusterId" | "clusterIds" => Some("Cluster"),
            "partnershipId" => Some("Partnership"),
            "partnerOrganisationId" | "representedById" => Some("PartnerOrganisation"),
            "userId" | "actorId" => Some("User"),
            _ => [
                "PartnerOrganisation",
                "Partnership",
                "SuccessStory",
                "ApiKey",
                "Member",
                "Cluster",
                "User",
            ]
            .into_iter()
            .find(|ty| parent.contains(ty)),
        };
        let roll = self.rng.below(10);
        let ty = match hint {
            Some(ty) if roll < 7 => ty.to_owned(),
            _ if roll < 9 => {
                let types: Vec<String> = self.pools.ids.keys().cloned().collect();
                self.rng.pick(&types).clone()
            }
            _ => {
                let uuid = uuid::Uuid::from_u64_pair(self.rng.next(), self.rng.next());
                let fabricated = match self.rng.below(6) {
                    0 => URL_SAFE_NO_PAD.encode(format!("Cluster:{uuid}")),
                    1 => uuid.to_string(),
                    2 => URL_SAFE_NO_PAD.encode(format!("Nope:{uuid}")),
                    3 => URL_SAFE_NO_PAD.encode("Cluster:"),
                    4 => "not-an-id".into(),
                    _ => URL_SAFE_NO_PAD.encode(self.rng.next().to_be_bytes()),
                };
                return Lit::Str(fabricated);
            }
        };
        match self.pools.ids.get(&ty).filter(|ids| !ids.is_empty()) {
            Some(ids) => Lit::Str(ids[self.rng.below(ids.len())].clone()),
            None => Lit::Str("not-an-id".into()),
        }
    }

    pub(super) fn date_value(&mut self, m: Mode, time: bool) -> Lit {
        if self.rng.percent(m.odd.max(10)) {
            let odd = [
                "2024-02-30",
                "0000-01-01",
                "+275760-09-13",
                "2024-13-01",
                "",
                "yesterday",
                "2024-02-29T23:59:60Z",
                "9999-12-31T23:59:59.999999999Z",
                "-000001-01-01T00:00:00Z",
                "1970-01-01T00:00:00+14:00",
                "2262-04-12T00:00:00Z",
            ];
            return Lit::Str(self.rng.pick_str(&odd).to_owned());
        }
        let (y, mo, d) = (
            self.rng.between(1990, 2035),
            self.rng.between(1, 12),
            self.rng.between(1, 28),
        );
        if time {
            Lit::Str(format!("{y}-{mo:02}-{d:02}T12:00:00Z"))
        } else {
            Lit::Str(format!("{y}-{mo:02}-{d:02}"))
        }
    }

    pub(super) fn string_value(&mut self, name: &str, m: Mode) -> Lit {
        if self.rng.percent(m.odd) {
            return self.odd_string();
        }
        let n = self.rng.below(100_000);
        let s = match name {
            "email" => match self.rng.below(4) {
                0 => DEMO_ACCOUNTS[self.rng.below(DEMO_ACCOUNTS.len())].0.to_owned(),
                1 => "not-an-email".to_owned(),
                _ => format!("fuzz{n}@example.org"),
            },
            "password" | "currentPassword" | "newPassword" => match self.rng.below(4) {
                0 => DEMO_ACCOUNTS[self.rng.below(DEMO_ACCOUNTS.len())].2.to_owned(),
                1 => "short".to_owned(),
                _ => format!("fuzz-password-{n}-long-enough"),
            },
            "country" | "countries" | "targetMarkets" => self.rng.pick_str(COUNTRIES).to_owned(),
            "slug" => {
                if self.pools.slugs.is_empty() || self.rng.percent(40) {
                    format!("fuzz-slug-{n}")
                } else {
                    self.rng.pick(&self.pools.slugs).clone()
                }
            }
            "website" => (*self.rng.pick(&[
                "https://example.org",
                "http://cluster.example.tw/about?x=1",
                "javascript:alert(1)",
                "not a url",
                "http://",
                "ftp://example.org",
            ]))
            .to_owned(),
            "after" | "before" => {
                if self.pools.cursors.is_empty() || self.rng.percent(40) {
                    URL_SAFE_NO_PAD.encode(format!("{{\"k\":{n}}}"))
                } else {
                    self.rng.pick(&self.pools.cursors).clone()
                }
            }
            "token" | "refreshToken" | "key" => match self.rng.below(3) {
                0 => format!("cbk_{n}_secret"),
                1 => self.admin.clone(),
                _ => format!("{n:x}.{n:x}.{n:x}"),
            },
            "document" => (*self.rng.pick(&[
                "{ me { role } }",
                "{ clusters { totalCount } }",
                "{",
                "query Q { __typename }",
            ]))
            .to_owned(),
            "entityType" => self
                .rng
                .pick_str(&["CLUSTER", "MEMBER", "USER", "Cluster", ""])
                .to_owned(),
            "action" => self
                .rng
                .pick_str(&["CREATE", "UPDATE", "DELETE", "PUBLISH", "drop"])
                .to_owned(),
            "query" => (*self.rng.pick(&[
                "aero",
                "TPCA",
                "航太",
                "aerospce",
                "semi conductor",
                "a",
                "-",
                "\"",
                "*",
            ]))
            .to_owned(),
            _ => format!("Fuzz {name} {n}"),
        };
        if self.rng.percent(3) {
            Lit::Block(s)
        } else {
            Lit::Str(s)
        }
    }
}
