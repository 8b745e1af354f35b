//! The schema, as introspection tells it: the types, fields and arguments the generators walk.

use std::collections::BTreeMap;

use serde_json::Value;

pub(super) const INTROSPECTION: &str = r#"query FuzzIntrospection {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      name
      kind
      fields(includeDeprecated: true) { name args { name defaultValue type { ...TypeRef } } type { ...TypeRef } }
      inputFields { name defaultValue type { ...TypeRef } }
      enumValues(includeDeprecated: true) { name }
      possibleTypes { name }
    }
  }
}
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"#;

#[derive(Clone, Debug)]
pub(super) enum Ty {
    Named(String),
    List(Box<Ty>),
    NonNull(Box<Ty>),
}

impl Ty {
    pub(super) fn parse(v: &Value) -> Ty {
        match v["kind"].as_str() {
            Some("NON_NULL") => Ty::NonNull(Box::new(Ty::parse(&v["ofType"]))),
            Some("LIST") => Ty::List(Box::new(Ty::parse(&v["ofType"]))),
            _ => Ty::Named(v["name"].as_str().unwrap_or("String").to_owned()),
        }
    }

    pub(super) fn base(&self) -> &str {
        match self {
            Ty::Named(name) => name,
            Ty::List(inner) | Ty::NonNull(inner) => inner.base(),
        }
    }

    pub(super) fn render(&self) -> String {
        match self {
            Ty::Named(name) => name.clone(),
            Ty::List(inner) => format!("[{}]", inner.render()),
            Ty::NonNull(inner) => format!("{}!", inner.render()),
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct InputValue {
    pub(super) name: String,
    pub(super) ty: Ty,
    pub(super) has_default: bool,
}

impl InputValue {
    pub(super) fn required(&self) -> bool {
        matches!(self.ty, Ty::NonNull(_)) && !self.has_default
    }
}

#[derive(Clone, Debug)]
pub(super) struct Field {
    pub(super) name: String,
    pub(super) args: Vec<InputValue>,
    pub(super) ty: Ty,
}

#[derive(Debug, Default)]
pub(super) struct TypeDef {
    pub(super) kind: String,
    pub(super) fields: Vec<Field>,
    pub(super) inputs: Vec<InputValue>,
    pub(super) enums: Vec<String>,
    pub(super) possible: Vec<String>,
}

#[derive(Debug)]
pub(super) struct Schema {
    pub(super) types: BTreeMap<String, TypeDef>,
    pub(super) query: String,
    pub(super) mutation: String,
}

impl Schema {
    pub(super) fn from_introspection(data: &Value) -> Schema {
        let inputs = |v: &Value| -> Vec<InputValue> {
            v.as_array()
                .map(|items| {
                    items
                        .iter()
                        .map(|i| InputValue {
                            name: i["name"].as_str().unwrap_or_default().to_owned(),
                            ty: Ty::parse(&i["type"]),
                            has_default: !i["defaultValue"].is_null(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let names = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i["name"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let schema = &data["__schema"];
        let mut types = BTreeMap::new();
        for t in schema["types"].as_array().expect("introspection lists types") {
            let fields = t["fields"]
                .as_array()
                .map(|fields| {
                    fields
                        .iter()
                        .map(|f| Field {
                            name: f["name"].as_str().unwrap_or_default().to_owned(),
                            args: inputs(&f["args"]),
                            ty: Ty::parse(&f["type"]),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let def = TypeDef {
                kind: t["kind"].as_str().unwrap_or_default().to_owned(),
                fields,
                inputs: inputs(&t["inputFields"]),
                enums: names(&t["enumValues"]),
                possible: names(&t["possibleTypes"]),
            };
            types.insert(t["name"].as_str().unwrap_or_default().to_owned(), def);
        }
        let query = schema["queryType"]["name"].as_str().expect("a query type").to_owned();
        let mutation = schema["mutationType"]["name"]
            .as_str()
            .expect("a mutation type")
            .to_owned();
        assert!(types[&query].fields.len() >= 5, "the query type has fields");
        assert!(types[&mutation].fields.len() >= 5, "the mutation type has fields");
        Schema { types, query, mutation }
    }

    pub(super) fn kind(&self, name: &str) -> &str {
        self.types.get(name).map_or("SCALAR", |t| t.kind.as_str())
    }

    pub(super) fn is_leaf(&self, name: &str) -> bool {
        matches!(self.kind(name), "SCALAR" | "ENUM")
    }

    pub(super) fn object_types(&self) -> Vec<&str> {
        self.types
            .iter()
            .filter(|(name, t)| t.kind == "OBJECT" && !name.starts_with("__"))
            .map(|(name, _)| name.as_str())
            .collect()
    }
}
