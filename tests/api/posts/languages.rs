//! Posts in several languages (issue 16.2): translations set by the cluster's editors only,
//! checked tags, sanitised translated bodies; the texts negotiated by `locale` or
//! `Accept-Language` with the primary text as fallback; search in every language; the
//! translations of a page read in one statement.

use clusterbridge::auth::Role;
use serde_json::{json, Value};

use super::{at_days, change, cluster_id, create, id_version, news, PUBLISH_POST};
use crate::support::{Reply, TestApp};

const SET: &str = r#"mutation($input: SetPostTranslationInput!) { setPostTranslation(input: $input) {
    post { id version language primaryLanguage translations } } }"#;
const REMOVE: &str = r#"mutation($input: RemovePostTranslationInput!) { removePostTranslation(input: $input) {
    post { id version translations } } }"#;
const READ: &str = r#"query($id: ID!, $locale: String) { post(id: $id, locale: $locale) {
    language primaryLanguage translations title summary bodyHtml } }"#;
const ENGLISH: &str = "Smart Machinery Innovation Weekend";
const CHINESE: &str = "台北歐洲創新週末";

/// A GraphQL operation sent with an `Accept-Language` header, as the holder of `token`.
pub(crate) fn with_language(app: &TestApp, token: Option<&str>, accept: &str, query: &str, variables: Value) -> Reply {
    let mut request = app
        .agent()
        .post(format!("{}/graphql", app.base))
        .header("Accept-Language", accept);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request
        .send_json(json!({ "query": query, "variables": variables }))
        .expect("request");
    let status = response.status().as_u16();
    let body = response.body_mut().read_json::<Value>().unwrap_or(Value::Null);
    Reply { status, body }
}

fn chinese(post: &Value) -> Value {
    json!({ "id": post["id"], "version": post["version"], "language": "zh-Hant", "title": CHINESE,
            "summary": "兩天的創新週", "bodyMarkdown": "歐盟與台灣的**聚落合作**。" })
}

/// A published NEWS post of TPCA in English with a Traditional Chinese translation.
fn translated_post(app: &TestApp, token: Option<&str>) -> Value {
    let tpca = cluster_id(app, "tpca");
    let post = create(app, token, news(&tpca, ENGLISH));
    let set = change(app, token, SET, chinese(&post));
    let translated = set.data()["setPostTranslation"]["post"].clone();
    assert_eq!(
        (translated["version"].as_i64(), translated["translations"].clone()),
        (Some(2), json!(["zh-Hant"])),
        "versioned on the post"
    );
    assert_eq!(translated["primaryLanguage"], "en");
    change(app, token, PUBLISH_POST, id_version(&translated)).data()["publishPost"]["post"].clone()
}

#[test]
fn the_reader_gets_the_best_language_and_the_primary_text_otherwise() {
    let app = TestApp::spawn();
    let admin = TestApp::admin();
    let post = translated_post(&app, admin.as_deref());
    let id = json!({ "id": post["id"] });
    let read =
        |accept: &str, variables: Value| with_language(&app, None, accept, READ, variables).data()["post"].clone();

    let taiwanese = read("zh-TW,zh;q=0.9", id.clone());
    assert_eq!(language_title(&taiwanese), (Some("zh-Hant"), Some(CHINESE)));
    assert_eq!(taiwanese["summary"], "兩天的創新週");
    assert!(
        taiwanese["bodyHtml"]
            .as_str()
            .is_some_and(|h| h.contains("<strong>聚落合作</strong>")),
        "{taiwanese}"
    );
    assert_eq!(
        (taiwanese["primaryLanguage"].clone(), taiwanese["translations"].clone()),
        (json!("en"), json!(["zh-Hant"]))
    );

    let overridden = read("zh-TW,zh;q=0.9", json!({ "id": post["id"], "locale": "en" }));
    assert_eq!(
        language_title(&overridden),
        (Some("en"), Some(ENGLISH)),
        "locale overrides the header"
    );
    let by_locale = read("", json!({ "id": post["id"], "locale": "zh-hant-tw" }));
    assert_eq!(
        language_title(&by_locale),
        (Some("zh-Hant"), Some(CHINESE)),
        "the region is looked up away"
    );
    for accept in ["fr", "ja, de;q=0.5", "zh-Hans", "", "*"] {
        assert_eq!(
            language_title(&read(accept, id.clone())),
            (Some("en"), Some(ENGLISH)),
            "{accept:?} falls back"
        );
    }
    assert_eq!(
        language_title(&read("en;q=0.5, zh-Hant;q=0.8", id.clone())).0,
        Some("zh-Hant"),
        "q-values order"
    );
    assert_eq!(
        language_title(&read("zh-Hant;q=0.4, en;q=0.6", id.clone())).0,
        Some("en"),
        "q-values order"
    );
    assert_eq!(
        language_title(&read("fr, zh;q=0.1", id.clone())).0,
        Some("zh-Hant"),
        "a language finds its script"
    );
    let refused = with_language(
        &app,
        None,
        "zh-TW",
        READ,
        json!({ "id": post["id"], "locale": "chinese!" }),
    );
    assert_eq!(refused.bad_fields(), ["locale"]);

    // Lists negotiate the same way, the feed, the cluster's posts and the calendars alike.
    let feed = r#"query($q: String, $locale: String) { posts(filter: {query: $q}, locale: $locale) {
        nodes { title language } } }"#;
    let found = with_language(&app, None, "zh-TW", feed, json!({ "q": "歐洲創新週末" }));
    assert_eq!(
        found.data()["posts"]["nodes"],
        json!([{ "title": CHINESE, "language": "zh-Hant" }]),
        "a Chinese query"
    );
    let found = with_language(
        &app,
        None,
        "zh-TW",
        feed,
        json!({ "q": "machinery weekend", "locale": "en" }),
    );
    assert_eq!(
        found.data()["posts"]["nodes"],
        json!([{ "title": ENGLISH, "language": "en" }]),
        "an English one"
    );
    let on_cluster = r#"query($id: ID!) { cluster(id: $id) { posts(locale: "zh-Hant") { nodes { title } } } }"#;
    let cluster = app.query(on_cluster, json!({ "id": cluster_id(&app, "tpca") }));
    assert_eq!(
        cluster.data()["cluster"]["posts"]["nodes"],
        json!([{ "title": CHINESE }])
    );

    // Without the translation, the Chinese words find nothing and every reader gets English.
    let current = app.as_admin(r#"query($id: ID!) { post(id: $id) { version } }"#, id.clone());
    let removed = change(
        &app,
        admin.as_deref(),
        REMOVE,
        json!({ "id": post["id"], "version": current.data()["post"]["version"], "language": "zh-hant" }),
    );
    assert_eq!(
        removed.data()["removePostTranslation"]["post"]["translations"],
        json!([])
    );
    assert_eq!(language_title(&read("zh-TW", id.clone())), (Some("en"), Some(ENGLISH)));
    let none = with_language(&app, None, "zh-TW", feed, json!({ "q": "歐洲創新週末" }));
    assert_eq!(none.data()["posts"]["nodes"], json!([]));
    let again = change(
        &app,
        admin.as_deref(),
        REMOVE,
        json!({ "id": post["id"], "version": removed.data()["removePostTranslation"]["post"]["version"], "language": "zh-Hant" }),
    );
    assert_eq!(again.code(), "NOT_FOUND");
}

fn language_title(post: &Value) -> (Option<&str>, Option<&str>) {
    (post["language"].as_str(), post["title"].as_str())
}

#[test]
fn only_editors_translate_with_checked_tags_and_sanitised_bodies() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let editor = TestApp::scoped_token(Role::ClusterManager, &[], &[&tpca], &[]);
    let other_manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&cluster_id(&app, "castra")], &[]);
    let partner_de = TestApp::scoped_token(Role::Partner, &["DE"], &[], &[]);
    let stranger = TestApp::token(Role::User);
    let post = create(&app, Some(&editor), news(&tpca, ENGLISH));

    for (token, code) in [
        (None, "UNAUTHENTICATED"),
        (Some(&stranger), "FORBIDDEN"),
        (Some(&other_manager), "FORBIDDEN"),
        (Some(&partner_de), "FORBIDDEN"),
    ] {
        assert_eq!(
            change(&app, token.map(String::as_str), SET, chinese(&post)).code(),
            code
        );
    }
    let bad = |language: &str| {
        let mut input = chinese(&post);
        input["language"] = json!(language);
        input["title"] = json!(" ");
        change(&app, Some(&editor), SET, input).bad_fields()
    };
    assert_eq!(bad("klingon"), ["language", "title"], "not a tag");
    assert_eq!(bad("zh-Hant-Hans"), ["language", "title"], "two scripts");
    assert_eq!(
        bad("EN"),
        ["language", "title"],
        "the primary language is the post itself"
    );

    let mut xss = chinese(&post);
    xss["language"] = json!("zh-tw");
    xss["bodyMarkdown"] = json!(
        "台北 <script>alert(1)</script><img src=x onerror=alert(1)> [點](javascript:alert(1)) <a href=\"https://cnfi.example.tw\">CNFI</a>"
    );
    let set = change(&app, Some(&editor), SET, xss);
    let written = set.data()["setPostTranslation"]["post"].clone();
    assert_eq!(
        written["translations"],
        json!(["zh-Hant-TW"]),
        "stored in canonical form"
    );
    let html = with_language(&app, Some(&editor), "zh-TW", READ, json!({ "id": post["id"] })).data()["post"]
        ["bodyHtml"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    for needle in ["<script", "onerror", "javascript:"] {
        assert!(!html.contains(needle), "{needle} survived in {html}");
    }
    assert!(
        html.contains(r#"<a href="https://cnfi.example.tw" rel="nofollow noopener">"#),
        "{html}"
    );
    assert_eq!(
        change(&app, Some(&editor), SET, chinese(&post)).code(),
        "CONFLICT",
        "a stale version"
    );
    let primary = |version: i64, language: &str| {
        change(
            &app,
            Some(&editor),
            super::UPDATE_POST,
            json!({ "id": post["id"], "version": version, "language": language }),
        )
    };
    assert_eq!(primary(2, "zh-TW").bad_fields(), ["language"], "a translation has it");
    assert_eq!(
        change(
            &app,
            Some(&stranger),
            REMOVE,
            json!({ "id": post["id"], "version": 2, "language": "zh-TW" })
        )
        .code(),
        "FORBIDDEN"
    );
    let removed = change(
        &app,
        Some(&editor),
        REMOVE,
        json!({ "id": post["id"], "version": 2, "language": "zh-TW" }),
    );
    assert_eq!(removed.data()["removePostTranslation"]["post"]["version"], 3);
    let audited = app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'Post' AND action = 'UPDATE'");
    assert_eq!(audited, 2, "the set and the removal");
    let changed = app.post(
        Some(&editor),
        r#"mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { version primaryLanguage } } }"#,
        json!({ "input": { "id": post["id"], "version": 3, "language": "zh-tw" } }),
    );
    assert_eq!(
        changed.data()["updatePost"]["post"],
        json!({ "version": 4, "primaryLanguage": "zh-Hant-TW" }),
        "free once the translation is gone"
    );
    assert_eq!(primary(4, "english").bad_fields(), ["language"]);

    // A post written in Chinese names its language when it is created.
    let mut written_in_chinese = news(&tpca, CHINESE);
    written_in_chinese["language"] = json!("zh-TW");
    assert_eq!(
        app.post(
            Some(&editor),
            r#"mutation($input: CreatePostInput!) { createPost(input: $input) { post { primaryLanguage language } } }"#,
            json!({ "input": written_in_chinese })
        )
        .data()["createPost"]["post"],
        json!({ "primaryLanguage": "zh-Hant-TW", "language": "zh-Hant-TW" })
    );
    let mut bad_primary = news(&tpca, CHINESE);
    bad_primary["language"] = json!("中文");
    assert_eq!(
        app.post(Some(&editor), super::CREATE_POST, json!({ "input": bad_primary }))
            .bad_fields(),
        ["language"]
    );
}

#[test]
fn a_page_reads_its_translations_in_one_statement() {
    let app = TestApp::spawn();
    let admin = TestApp::admin();
    for _ in 0..6 {
        translated_post(&app, admin.as_deref());
    }
    let count = |fields: &str, first: usize| {
        let page = format!("query($first: Int!) {{ posts(first: $first) {{ nodes {{ id {fields} }} }} }}");
        app.take_statement_count();
        let reply = with_language(&app, None, "zh-TW", &page, json!({ "first": first }));
        let nodes = reply.data()["posts"]["nodes"].as_array().expect("nodes").clone();
        (app.take_statement_count(), nodes)
    };
    count("", 1);
    for first in [2, 10] {
        // Measured twice at most: once, under two full test runs at once, the page of 10 counted
        // two statements. A likely cause, on PostgreSQL, was the NOTIFY of the posts published
        // above, sent late by the relay task and counted here; support.rs no longer counts it.
        // The second try stays until a split is ruled out on SQLite too.
        let extra = || {
            let (without, _) = count("", first);
            let (with, nodes) = count("language title summary bodyHtml translations", first);
            assert_eq!(nodes.len(), first);
            with - without
        };
        let first_try = extra();
        let extra = if first_try == 1 { first_try } else { extra() };
        assert_eq!(
            extra, 1,
            "one statement for the translations of a page of {first} (first try: {first_try})"
        );
    }
    let (_, nodes) = count("language", 10);
    let translated = nodes.iter().filter(|n| n["language"] == "zh-Hant").count();
    assert_eq!(translated, 6, "6 translated posts and the demo's 4: {nodes:?}");
}

#[test]
fn the_calendars_take_a_locale_too() {
    let app = TestApp::spawn();
    let admin = TestApp::admin();
    let tpca = cluster_id(&app, "tpca");
    let event = json!({ "clusterId": tpca, "kind": "EVENT", "title": ENGLISH, "bodyMarkdown": "Come.",
                        "startsAt": at_days(10), "endsAt": at_days(11), "place": "Taipei" });
    let post = create(&app, admin.as_deref(), event);
    let translated = change(&app, admin.as_deref(), SET, chinese(&post));
    let translated = translated.data()["setPostTranslation"]["post"].clone();
    change(&app, admin.as_deref(), PUBLISH_POST, id_version(&translated)).data();
    let calendar = r#"query($locale: String) { upcomingEvents(locale: $locale) { nodes { title language } } }"#;
    let chinese_reader = with_language(&app, None, "zh-TW", calendar, json!({}));
    assert_eq!(
        chinese_reader.data()["upcomingEvents"]["nodes"],
        json!([{ "title": CHINESE, "language": "zh-Hant" }])
    );
    let overridden = with_language(&app, None, "zh-TW", calendar, json!({ "locale": "en-GB" }));
    assert_eq!(
        overridden.data()["upcomingEvents"]["nodes"],
        json!([{ "title": ENGLISH, "language": "en" }])
    );
    let calls = r#"query($locale: String) { openCalls(locale: $locale) { nodes { language } } }"#;
    let demo_call = app.query(calls, json!({ "locale": "zh-Hant" }));
    assert_eq!(
        demo_call.data()["openCalls"]["nodes"],
        json!([{ "language": "en" }]),
        "an untranslated post answers in its primary language"
    );
    assert_eq!(
        app.query(calls, json!({ "locale": "not a tag" })).bad_fields(),
        ["locale"]
    );
}
