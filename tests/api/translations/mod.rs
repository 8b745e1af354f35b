//! Cluster descriptions and success stories in several languages (issue 16.2): translations
//! set and removed by editors only, at the record's version, audited; the texts negotiated by
//! `locale` or `Accept-Language` with the primary text as fallback, the answer naming its
//! language; search by a word of a translated description; a page's translations in one
//! statement. Posts have theirs in `posts::languages`.

mod clusters;
mod stories;

use serde_json::{json, Value};

use crate::{
    posts::languages::with_language,
    support::{Reply, TestApp},
};

/// A reader's answer, sent with `Accept-Language: accept`.
fn read(app: &TestApp, accept: &str, query: &str, variables: Value) -> Value {
    with_language(app, None, accept, query, variables).data().clone()
}

/// A mutation's input sent as `token`.
fn change(app: &TestApp, token: Option<&str>, mutation: &str, input: Value) -> Reply {
    app.post(token, mutation, json!({ "input": input }))
}

/// The number of statements a page costs with `fields` beyond the one it costs with `id` only,
/// read by a reader of Traditional Chinese; measured twice at most, as in `posts::languages`
/// (a batch was once seen split under two parallel full test runs).
fn extra_statements(app: &TestApp, list: &str, fields: &str, first: usize) -> usize {
    let count = |fields: &str| {
        let page = format!("query($first: Int!) {{ {list}(first: $first) {{ nodes {{ id {fields} }} }} }}");
        app.take_statement_count();
        let reply = with_language(app, None, "zh-TW", &page, json!({ "first": first }));
        let nodes = reply.data()[list]["nodes"].as_array().map_or(0, Vec::len);
        assert_eq!(nodes, first, "a full page of {list}");
        app.take_statement_count()
    };
    let measure = || {
        let without = count("");
        count(fields) - without
    };
    match measure() {
        1 => 1,
        _ => measure(),
    }
}
