//! Checks on the shape of a document, before validation or any SQL: how deep its brackets nest
//! (before parsing), and the size of the document as executed — every fragment spread and inline
//! fragment expanded — with its aliases, fields, directives and repeats of one field.
//!
//! async-graphql's validators and executor expand spreads without memoising them, so a 1 KB
//! document of fragments that each spread the previous one ten times costs ten times more per
//! level. Here each fragment's size is computed once, so the check stays linear in the document,
//! and the merged walk that counts aliases and repeats runs only once the size is known small.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

use crate::error::ErrorCode;

/// Fields the document runs, every spread expanded.
pub const MAX_EXPANDED_FIELDS: u64 = 2_000;
/// Fragment spreads and inline fragments the document runs, every spread expanded.
pub const MAX_EXPANDED_FRAGMENTS: u64 = 2_000;
/// How deep selections, spreads and inline fragments may nest as executed; async-graphql refuses
/// more than 32 anyway, this only keeps the walk here off the end of the stack.
pub const MAX_EXPANDED_DEPTH: usize = 64;
/// Aliases and fields of the answer (fields of one response key merged, as GraphQL merges them).
pub const MAX_ALIASES: usize = 30;
pub const MAX_FIELDS: usize = 500;
/// Response keys one field may have in one merged selection: `a: name b: name` repeats `name`.
pub const MAX_REPEATS: usize = 5;
pub const MAX_DIRECTIVES: u64 = 20;

/// What a selection set amounts to when executed: additive, so one fragment's is computed once.
#[derive(Clone, Copy, Default)]
struct Size {
    fields: u64,
    fragments: u64,
    directives: u64,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.fields = self.fields.saturating_add(other.fields);
        self.fragments = self.fragments.saturating_add(other.fragments);
        self.directives = self.directives.saturating_add(other.directives);
    }
}

enum Memo {
    /// On the stack of the walk: a spread of it now is a cycle.
    Expanding,
    Done(Size),
}

/// Why a document is refused, if it is: the code and the message.
enum Refusal {
    TooLarge(String),
    Cycle(String),
}

struct Expander<'a> {
    document: &'a ExecutableDocument,
    memo: HashMap<&'a str, Memo>,
    refusal: Option<Refusal>,
}

impl<'a> Expander<'a> {
    fn size(&mut self, set: &'a SelectionSet, depth: usize) -> Size {
        let mut size = Size::default();
        if depth > MAX_EXPANDED_DEPTH {
            let message = format!("selections and fragments nest deeper than {MAX_EXPANDED_DEPTH} levels");
            self.refusal.get_or_insert(Refusal::TooLarge(message));
            return size;
        }
        for selection in &set.items {
            if self.refusal.is_some() {
                break;
            }
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    size.fields += 1;
                    size.directives += field.directives.len() as u64;
                    size.add(self.size(&field.selection_set.node, depth + 1));
                }
                Selection::InlineFragment(fragment) => {
                    size.fragments += 1;
                    size.directives += fragment.node.directives.len() as u64;
                    size.add(self.size(&fragment.node.selection_set.node, depth + 1));
                }
                Selection::FragmentSpread(spread) => {
                    size.fragments += 1;
                    size.directives += spread.node.directives.len() as u64;
                    size.add(self.fragment(spread.node.fragment_name.node.as_str(), depth + 1));
                }
            }
        }
        size
    }

    /// The size of a fragment as executed, computed at its first spread and remembered.
    fn fragment(&mut self, name: &'a str, depth: usize) -> Size {
        match self.memo.get(name) {
            Some(Memo::Done(size)) => return *size,
            Some(Memo::Expanding) => {
                let message = format!("the fragment {name} spreads itself");
                self.refusal.get_or_insert(Refusal::Cycle(message));
                return Size::default();
            }
            None => {}
        }
        // An unknown fragment is left to validation, which names it.
        let Some(fragment) = self.document.fragments.get(name) else {
            return Size::default();
        };
        self.memo.insert(name, Memo::Expanding);
        let mut size = Size {
            directives: fragment.node.directives.len() as u64,
            ..Size::default()
        };
        size.add(self.size(&fragment.node.selection_set.node, depth));
        self.memo.insert(name, Memo::Done(size));
        size
    }
}

/// Aliases, fields and the worst repeat of the answer, fields of one response key merged.
#[derive(Default)]
struct Merged {
    aliases: usize,
    fields: usize,
    worst_repeat: (usize, String),
}

impl Merged {
    /// Walks selection sets that merge into one (a response key's sets, from every spread).
    /// Only called once the expanded size is bounded, so it visits at most that many fields.
    fn walk(&mut self, document: &ExecutableDocument, sets: &[&SelectionSet]) {
        // Response key → field name and the sub-selections that merge under it, in order.
        let mut keys = Keys::default();
        for set in sets {
            collect(document, set, &mut keys);
        }
        let keys = keys.order;
        let mut per_name: HashMap<&str, usize> = HashMap::new();
        for (key, name, _) in &keys {
            self.fields += 1;
            if key != name {
                self.aliases += 1;
            }
            let count = per_name.entry(name).or_default();
            *count += 1;
            if *count > self.worst_repeat.0 {
                self.worst_repeat = (*count, name.to_string());
            }
        }
        for (_, _, children) in &keys {
            if children.iter().any(|set| !set.items.is_empty()) {
                self.walk(document, children);
            }
        }
    }
}

/// The response keys of one merged selection, in order: key, field name, the sets merged under it.
#[derive(Default)]
struct Keys<'a> {
    order: Vec<(&'a str, &'a str, Vec<&'a SelectionSet>)>,
    index: HashMap<&'a str, usize>,
}

/// The fields a selection set contributes to its merged selection, spreads and inline fragments
/// opened (GraphQL merges them all into the selection they sit in).
fn collect<'a>(document: &'a ExecutableDocument, set: &'a SelectionSet, keys: &mut Keys<'a>) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                let key = field.response_key().node.as_str();
                let child = &field.selection_set.node;
                match keys.index.get(key) {
                    Some(&at) => keys.order[at].2.push(child),
                    None => {
                        keys.index.insert(key, keys.order.len());
                        keys.order.push((key, field.name.node.as_str(), vec![child]));
                    }
                }
            }
            Selection::InlineFragment(fragment) => collect(document, &fragment.node.selection_set.node, keys),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect(document, &fragment.node.selection_set.node, keys);
                }
            }
        }
    }
}

/// Why a document is refused, if it is: QUERY_TOO_LARGE over a limit, GRAPHQL_VALIDATION_FAILED
/// for a fragment that spreads itself (which would never end).
pub fn problem(document: &ExecutableDocument) -> Option<(ErrorCode, String)> {
    let mut expander = Expander {
        document,
        memo: HashMap::new(),
        refusal: None,
    };
    let mut size = Size::default();
    for (_, operation) in document.operations.iter() {
        size.directives += operation.node.directives.len() as u64;
        size.add(expander.size(&operation.node.selection_set.node, 1));
    }
    match expander.refusal {
        Some(Refusal::Cycle(message)) => return Some((ErrorCode::GraphqlValidationFailed, message)),
        Some(Refusal::TooLarge(message)) => return Some((ErrorCode::QueryTooLarge, message)),
        None => {}
    }
    let too_large = |message: String| Some((ErrorCode::QueryTooLarge, format!("the query is too large: {message}")));
    if size.fields > MAX_EXPANDED_FIELDS {
        return too_large(format!(
            "{} fields with every fragment spread; at most {MAX_EXPANDED_FIELDS}",
            size.fields
        ));
    }
    if size.fragments > MAX_EXPANDED_FRAGMENTS {
        return too_large(format!(
            "{} fragments with every spread expanded; at most {MAX_EXPANDED_FRAGMENTS}",
            size.fragments
        ));
    }
    if size.directives > MAX_DIRECTIVES {
        return too_large(format!("{} directives; at most {MAX_DIRECTIVES}", size.directives));
    }
    let mut merged = Merged::default();
    for (_, operation) in document.operations.iter() {
        merged.walk(document, &[&operation.node.selection_set.node]);
    }
    if merged.aliases > MAX_ALIASES {
        too_large(format!("{} aliases; at most {MAX_ALIASES}", merged.aliases))
    } else if merged.fields > MAX_FIELDS {
        too_large(format!("{} fields; at most {MAX_FIELDS}", merged.fields))
    } else if merged.worst_repeat.0 > MAX_REPEATS {
        too_large(format!(
            "the field {} has {} aliases in one selection; at most {MAX_REPEATS}",
            merged.worst_repeat.1, merged.worst_repeat.0
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
