//! The maxima of every list a client sends, said once, and the check that applies them to each
//! argument of a document, its variables substituted, before validation or any SQL.
//!
//! The check is by input name rather than per resolver, so a list added to the schema later is
//! bounded too (by [`DEFAULT_LIST_MAX`]) without anyone remembering to. It counts distinct
//! values, since duplicates collapse in the domain; `nodes(ids:)` answers position by position, so
//! its resolver bounds the raw length as well.

use std::collections::{BTreeMap, HashSet};

use async_graphql::{
    parser::types::{ExecutableDocument, Selection, SelectionSet},
    Name, Value, Variables,
};

use crate::error::{AppError, FieldError};

/// The most distinct values a list of this name takes. Countries allow every ISO 3166-1 code;
/// the rest keep a request's SQL well inside SQLite's 32,766 bound variables.
pub const LIST_MAXIMA: &[(&str, usize)] = &[
    ("ids", 100),
    ("clusters", 500),
    ("members", 20),
    ("clusterIds", 20),
    ("technologies", 50),
    ("countries", 250),
    ("seekingPartnersIn", 250),
    ("seeksPartnersIn", 250),
    ("targetMarkets", 250),
    ("targetCountries", 250),
    ("sessions", 20),
    ("organiserIds", 20),
    ("userIds", 20),
    ("availableSlots", 200),
];

/// Any other list: regions, ecosystems, kinds, labels, statuses …
pub const DEFAULT_LIST_MAX: usize = 100;

/// The maximum of a list named `name`.
pub fn list_max(name: &str) -> usize {
    LIST_MAXIMA
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(DEFAULT_LIST_MAX, |(_, max)| *max)
}

/// Every list over its maximum, named by argument path (`filter.regions`,
/// `input.clusters[3].technologies`), whether written into the document or sent as a variable.
pub fn problem(document: &ExecutableDocument, variables: &Variables) -> Option<AppError> {
    // A variable's default counts where the request leaves it out.
    let mut values: BTreeMap<Name, Value> = BTreeMap::new();
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            if let Some(default) = &definition.node.default_value {
                values.insert(definition.node.name.node.clone(), default.node.clone());
            }
        }
    }
    values.extend(variables.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut fields = Vec::new();
    for (_, operation) in document.operations.iter() {
        walk(&operation.node.selection_set.node, &values, &mut fields);
    }
    for fragment in document.fragments.values() {
        walk(&fragment.node.selection_set.node, &values, &mut fields);
    }
    if fields.is_empty() {
        return None;
    }
    fields.sort_by(|a: &FieldError, b| a.field.cmp(&b.field));
    fields.dedup_by(|a, b| a.field == b.field);
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    Some(AppError::BadUserInput {
        message: format!("too many values: {}", names.join(", ")),
        fields,
    })
}

fn walk(set: &SelectionSet, variables: &BTreeMap<Name, Value>, fields: &mut Vec<FieldError>) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                for (name, value) in &field.node.arguments {
                    let Ok(value) = value.node.clone().into_const_with(|var| {
                        Ok::<_, std::convert::Infallible>(variables.get(&var).cloned().unwrap_or(Value::Null))
                    });
                    check(name.node.as_str(), name.node.as_str(), &value, fields);
                }
                walk(&field.node.selection_set.node, variables, fields);
            }
            Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node, variables, fields),
            Selection::FragmentSpread(_) => {}
        }
    }
}

fn check(path: &str, name: &str, value: &Value, fields: &mut Vec<FieldError>) {
    match value {
        Value::List(items) => {
            let max = list_max(name);
            let distinct: HashSet<String> = items.iter().map(|v| v.to_string()).collect();
            if distinct.len() > max {
                fields.push(FieldError {
                    field: path.to_owned(),
                    message: format!("at most {max} distinct values; {} given", distinct.len()),
                });
                return;
            }
            for (i, item) in items.iter().enumerate() {
                if matches!(item, Value::List(_) | Value::Object(_)) {
                    check(&format!("{path}[{i}]"), name, item, fields);
                }
            }
        }
        Value::Object(object) => {
            for (key, item) in object {
                if matches!(item, Value::List(_) | Value::Object(_)) {
                    check(&format!("{path}.{key}"), key.as_str(), item, fields);
                }
            }
        }
        _ => {}
    }
}
