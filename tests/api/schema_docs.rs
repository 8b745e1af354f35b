//! The schema documents itself: read through introspection, as GraphiQL's docs pane reads it,
//! every element has a description and every scalar of our own names its specification.

use serde_json::{json, Value};

use crate::support::TestApp;

/// Everything the docs pane shows, for every type.
const SCHEMA: &str = r#"{
  __schema {
    types {
      kind name description specifiedByURL
      fields(includeDeprecated: true) { name description args { name description } }
      inputFields { name description }
      enumValues(includeDeprecated: true) { name description }
    }
  }
}"#;

/// Scalars the GraphQL specification defines; their descriptions are not ours to write.
const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

fn types(app: &TestApp) -> Vec<Value> {
    let reply = app.query(SCHEMA, json!({}));
    reply.data()["__schema"]["types"]
        .as_array()
        .expect("introspection lists the types")
        .iter()
        .filter(|t| {
            let name = t["name"].as_str().unwrap_or_default();
            // `__Type`, `__Field` …: the introspection system describes itself.
            !name.starts_with("__") && !BUILT_IN_SCALARS.contains(&name)
        })
        .cloned()
        .collect()
}

fn described(element: &Value) -> bool {
    element["description"].as_str().is_some_and(|d| !d.trim().is_empty())
}

fn list<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value[key].as_array().into_iter().flatten()
}

/// How many elements the docs pane shows: types, fields, arguments, input fields, enum values.
fn element_count(types: &[Value]) -> usize {
    types
        .iter()
        .map(|ty| {
            1 + list(ty, "fields").map(|f| 1 + list(f, "args").count()).sum::<usize>()
                + list(ty, "inputFields").count()
                + list(ty, "enumValues").count()
        })
        .sum()
}

/// Every element without a description, named as a client would point at it:
/// `Type`, `Type.field`, `Type.field(argument:)`, `Input.field`, `Enum.VALUE`.
fn undocumented(types: &[Value]) -> Vec<String> {
    let mut missing = Vec::new();
    for ty in types {
        let name = ty["name"].as_str().unwrap_or_default();
        if !described(ty) {
            missing.push(name.to_owned());
        }
        for field in list(ty, "fields") {
            let field_name = field["name"].as_str().unwrap_or_default();
            if !described(field) {
                missing.push(format!("{name}.{field_name}"));
            }
            for arg in list(field, "args") {
                if !described(arg) {
                    missing.push(format!(
                        "{name}.{field_name}({}:)",
                        arg["name"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
        for field in list(ty, "inputFields") {
            if !described(field) {
                missing.push(format!("{name}.{}", field["name"].as_str().unwrap_or_default()));
            }
        }
        for value in list(ty, "enumValues") {
            if !described(value) {
                missing.push(format!("{name}.{}", value["name"].as_str().unwrap_or_default()));
            }
        }
    }
    missing
}

#[test]
fn every_type_field_argument_and_value_has_a_description() {
    let app = TestApp::empty();
    let types = types(&app);
    // Guards against a walk that passes because it saw nothing.
    assert!(
        types.iter().any(|t| t["name"] == "Cluster") && types.len() > 100,
        "introspection returned too few types: {}",
        types.len()
    );
    let missing = undocumented(&types);
    assert!(
        missing.is_empty(),
        "{} of {} schema elements have no description (a doc comment on the resolver, field or \
         enum variant, `#[graphql(desc = ...)]` on an argument):\n  {}",
        missing.len(),
        element_count(&types),
        missing.join("\n  ")
    );
}

#[test]
fn the_walk_names_what_it_finds_undocumented() {
    // The check above is only as good as this function: feed it a type with one gap of each kind.
    let ty = json!({
        "kind": "OBJECT", "name": "Sample", "description": " ",
        "fields": [
            { "name": "ok", "description": "Fine.", "args": [] },
            { "name": "bare", "description": null, "args": [{ "name": "first", "description": null }] }
        ],
        "inputFields": [{ "name": "query", "description": "" }],
        "enumValues": [{ "name": "GOLD", "description": null }]
    });
    assert_eq!(
        undocumented(&[ty]),
        [
            "Sample",
            "Sample.bare",
            "Sample.bare(first:)",
            "Sample.query",
            "Sample.GOLD"
        ]
    );
}

#[test]
fn scalars_of_our_own_name_their_specification() {
    let app = TestApp::empty();
    let types = types(&app);
    let date_time = types.iter().find(|t| t["name"] == "DateTime").expect("DateTime scalar");
    let text = date_time["description"].as_str().unwrap_or_default();
    assert!(
        text.contains("RFC 3339") && !text.contains("<Utc>"),
        "DateTime should say what it is to a client: {text}"
    );
    let scalars: Vec<(String, Option<String>)> = types
        .iter()
        .filter(|t| t["kind"] == "SCALAR")
        .map(|t| {
            (
                t["name"].as_str().unwrap_or_default().to_owned(),
                t["specifiedByURL"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let url = |name: &str| scalars.iter().find(|(n, _)| n == name).and_then(|(_, url)| url.clone());
    assert_eq!(
        url("DateTime").as_deref(),
        Some("https://datatracker.ietf.org/doc/html/rfc3339")
    );
    assert_eq!(
        url("Date").as_deref(),
        Some("https://datatracker.ietf.org/doc/html/rfc3339#section-5.6")
    );
    // A scalar added later names its specification too, or says here why it has none.
    let unspecified: Vec<&str> = scalars
        .iter()
        .filter(|(_, url)| url.is_none())
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(unspecified.is_empty(), "scalars without @specifiedBy: {unspecified:?}");
}
