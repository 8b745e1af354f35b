//! Checks on the shape of a document, before validation or any SQL: how deep its brackets nest
//! (before parsing), how many aliases, fields and directives it has, and how often one field
//! repeats in a selection.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

pub const MAX_ALIASES: usize = 30;
pub const MAX_FIELDS: usize = 500;
pub const MAX_REPEATS: usize = 5;
pub const MAX_DIRECTIVES: usize = 20;

#[derive(Default)]
struct Tally {
    aliases: usize,
    fields: usize,
    directives: usize,
    worst_repeat: (usize, String),
}

fn walk(set: &SelectionSet, tally: &mut Tally) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                tally.fields += 1;
                tally.directives += field.directives.len();
                if field.alias.is_some() {
                    tally.aliases += 1;
                }
                let count = seen.entry(field.name.node.as_str()).or_default();
                *count += 1;
                if *count > tally.worst_repeat.0 {
                    tally.worst_repeat = (*count, field.name.node.to_string());
                }
                walk(&field.selection_set.node, tally);
            }
            Selection::FragmentSpread(spread) => tally.directives += spread.node.directives.len(),
            Selection::InlineFragment(fragment) => {
                tally.directives += fragment.node.directives.len();
                walk(&fragment.node.selection_set.node, tally);
            }
        }
    }
}

/// Why a document is refused, if it is.
pub fn problem(document: &ExecutableDocument) -> Option<String> {
    let mut tally = Tally::default();
    for (_, operation) in document.operations.iter() {
        tally.directives += operation.node.directives.len();
        walk(&operation.node.selection_set.node, &mut tally);
    }
    for fragment in document.fragments.values() {
        tally.directives += fragment.node.directives.len();
        walk(&fragment.node.selection_set.node, &mut tally);
    }
    if tally.aliases > MAX_ALIASES {
        Some(format!("{} aliases; at most {MAX_ALIASES}", tally.aliases))
    } else if tally.fields > MAX_FIELDS {
        Some(format!("{} fields; at most {MAX_FIELDS}", tally.fields))
    } else if tally.directives > MAX_DIRECTIVES {
        Some(format!("{} directives; at most {MAX_DIRECTIVES}", tally.directives))
    } else if tally.worst_repeat.0 > MAX_REPEATS {
        Some(format!(
            "the field {} repeats {} times in one selection; at most {MAX_REPEATS}",
            tally.worst_repeat.1, tally.worst_repeat.0
        ))
    } else {
        None
    }
}

/// Deepest nesting of brackets and braces a document may have, strings aside. Selections are
/// limited to 12 levels anyway; input values rarely pass 5.
pub const MAX_NESTING: usize = 64;

/// How deep `(`, `[` and `{` nest in a GraphQL document, outside strings and comments.
pub fn nesting_depth(query: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            '"' => {
                // Block strings ("""…""") and plain strings with escapes.
                if chars.peek() == Some(&'"') {
                    chars.next();
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        let mut quotes = 0;
                        for c in chars.by_ref() {
                            quotes = if c == '"' { quotes + 1 } else { 0 };
                            if quotes == 3 {
                                break;
                            }
                        }
                    }
                    continue;
                }
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}
