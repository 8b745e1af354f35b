//! A success story's title, summary and body in several languages.

use clusterbridge::auth::Role;
use serde_json::{json, Value};

use super::{change, extra_statements, read};
use crate::{posts::cluster_id, stories::publish, support::TestApp};

const TELL: &str = r#"mutation($input: CreateSuccessStoryInput!) { createSuccessStory(input: $input) {
    successStory { id version } } }"#;
const SET: &str = r#"mutation($input: SetSuccessStoryTranslationInput!) { setSuccessStoryTranslation(input: $input) {
    successStory { version primaryLanguage translations } } }"#;
const REMOVE: &str = r#"mutation($input: RemoveSuccessStoryTranslationInput!) {
    removeSuccessStoryTranslation(input: $input) { successStory { version translations } } }"#;
const READ: &str = r#"query($id: ID!, $locale: String) { successStory(id: $id) {
    language(locale: $locale) title(locale: $locale) summary(locale: $locale) body(locale: $locale)
    primaryLanguage translations } }"#;
const ENGLISH: &str = "CASTRA and Taiwan's system integrators co-develop";
const CHINESE: &str = "CASTRA與台灣系統整合產業聚落共同研發";

/// A story of CASTRA and the system-integration cluster, told by CASTRA's editor, with its
/// editor's token.
fn story(app: &TestApp) -> (String, String) {
    let castra = cluster_id(app, "castra");
    let editor = TestApp::scoped_token(Role::ClusterManager, &[], &[&castra], &[]);
    let told = change(
        app,
        Some(&editor),
        TELL,
        json!({ "title": ENGLISH, "summary": "They met at a 2016 ECCP matchmaking event.", "outcome": "JOINT_R_AND_D",
                "body": "Now they co-invest.", "clusterIds": [castra, cluster_id(app, "system-integration-tw")] }),
    );
    let id = told.data()["createSuccessStory"]["successStory"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    (id, editor)
}

fn chinese(id: &str, version: i64) -> Value {
    json!({ "id": id, "version": version, "language": "zh-Hant", "title": CHINESE,
            "summary": "雙方在2016年ECCP舉辦的媒合會上認識。", "body": "目前雙方注入資金、共同研發高科技產品。" })
}

fn language_title(reply: &Value) -> (Option<&str>, Option<&str>) {
    let s = &reply["successStory"];
    (s["language"].as_str(), s["title"].as_str())
}

#[test]
fn the_reader_gets_the_best_language_of_a_story_and_the_primary_one_otherwise() {
    let app = TestApp::spawn();
    let (id, editor) = story(&app);
    let set = change(&app, Some(&editor), SET, chinese(&id, 1));
    assert_eq!(
        set.data()["setSuccessStoryTranslation"]["successStory"],
        json!({ "version": 2, "primaryLanguage": "en", "translations": ["zh-Hant"] })
    );
    publish(&app, &editor, &json!(id), 2);
    let at = |locale: Option<&str>| json!({ "id": id, "locale": locale });
    let taiwanese = read(&app, "zh-TW,zh;q=0.9", READ, at(None));
    assert_eq!(language_title(&taiwanese), (Some("zh-Hant"), Some(CHINESE)));
    assert_eq!(
        (
            &taiwanese["successStory"]["summary"],
            &taiwanese["successStory"]["body"]
        ),
        (
            &json!("雙方在2016年ECCP舉辦的媒合會上認識。"),
            &json!("目前雙方注入資金、共同研發高科技產品。")
        )
    );
    assert_eq!(
        language_title(&read(&app, "zh-TW", READ, at(Some("en")))),
        (Some("en"), Some(ENGLISH)),
        "locale overrides the header"
    );
    assert_eq!(
        language_title(&read(&app, "", READ, at(Some("zh-Hant-TW")))),
        (Some("zh-Hant"), Some(CHINESE))
    );
    for accept in ["fr", "zh-Hans", "", "*", "de;q=0.9, en;q=0.8, zh-Hant;q=0.7"] {
        let reply = read(&app, accept, READ, at(None));
        assert_eq!(language_title(&reply), (Some("en"), Some(ENGLISH)), "{accept:?}");
        assert_eq!(reply["successStory"]["body"], "Now they co-invest.");
    }
    assert_eq!(
        language_title(&read(&app, "en;q=0.5, zh-Hant;q=0.8", READ, at(None))).0,
        Some("zh-Hant"),
        "q-values order"
    );
    let refused = crate::posts::languages::with_language(&app, None, "", READ, at(Some("chinese!")));
    assert_eq!(refused.bad_fields(), ["locale"]);
    let list = r#"{ successStories(first: 100) { nodes { title(locale: "zh-Hant") language(locale: "zh-Hant") } } }"#;
    let nodes = app.query(list, json!({})).data()["successStories"]["nodes"].clone();
    let nodes = nodes.as_array().expect("nodes");
    assert!(
        nodes.contains(&json!({ "title": CHINESE, "language": "zh-Hant" })),
        "{nodes:?}"
    );
    assert!(
        nodes.iter().any(|n| n["language"] == "en"),
        "the untranslated demo stories"
    );
}

#[test]
fn only_the_storys_editors_translate_it_at_its_version() {
    let app = TestApp::spawn();
    let (id, editor) = story(&app);
    // Named by the story, the system-integration cluster has not confirmed it: no say yet.
    let named = TestApp::scoped_token(
        Role::ClusterManager,
        &[],
        &[&cluster_id(&app, "system-integration-tw")],
        &[],
    );
    let other_manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&cluster_id(&app, "tpca")], &[]);
    let stranger = TestApp::token(Role::User);
    for (token, code) in [
        (None, "UNAUTHENTICATED"),
        (Some(&stranger), "FORBIDDEN"),
        (Some(&other_manager), "FORBIDDEN"),
        (Some(&named), "FORBIDDEN"),
    ] {
        assert_eq!(
            change(&app, token.map(String::as_str), SET, chinese(&id, 1)).code(),
            code
        );
    }
    let mut bad = chinese(&id, 1);
    bad["language"] = json!("EN");
    bad["title"] = json!(" ");
    bad["summary"] = json!("長".repeat(2_001));
    assert_eq!(
        change(&app, Some(&editor), SET, bad).bad_fields(),
        ["language", "title", "summary"]
    );
    change(&app, Some(&editor), SET, chinese(&id, 1)).data();
    assert_eq!(change(&app, Some(&editor), SET, chinese(&id, 1)).code(), "CONFLICT");
    let remove = |token: &str, version: i64, language: &str| {
        change(
            &app,
            Some(token),
            REMOVE,
            json!({ "id": id, "version": version, "language": language }),
        )
    };
    assert_eq!(remove(&stranger, 2, "zh-Hant").code(), "FORBIDDEN");
    assert_eq!(remove(&editor, 1, "zh-Hant").code(), "CONFLICT");
    assert_eq!(
        remove(&editor, 2, "zh-hant").data()["removeSuccessStoryTranslation"]["successStory"],
        json!({ "version": 3, "translations": [] })
    );
    assert_eq!(remove(&editor, 3, "zh-Hant").code(), "NOT_FOUND");
    let audited = app.count(
        "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'SuccessStory' AND action = 'UPDATE' \
         AND changed_fields LIKE '%translations%'",
    );
    assert_eq!(audited, 2, "the set and the removal");
    // Readers see it once published; a published story's translations wait for a moderator.
    publish(&app, &editor, &json!(id), 3);
    assert_eq!(
        change(&app, Some(&editor), SET, chinese(&id, 5)).code(),
        "TRANSITION_NOT_ALLOWED"
    );
    assert_eq!(
        language_title(&read(&app, "zh-TW", READ, json!({ "id": id }))),
        (Some("en"), Some(ENGLISH))
    );
}

#[test]
fn a_page_of_stories_reads_its_translations_in_one_statement() {
    let app = TestApp::spawn();
    for _ in 0..3 {
        let (id, editor) = story(&app);
        change(&app, Some(&editor), SET, chinese(&id, 1)).data();
        publish(&app, &editor, &json!(id), 2);
    }
    assert_eq!(
        extra_statements(&app, "successStories", "language title summary body translations", 4),
        1
    );
}

#[test]
fn a_story_is_written_in_the_language_its_editor_names() {
    let app = TestApp::spawn();
    let castra = cluster_id(&app, "castra");
    let editor = TestApp::scoped_token(Role::ClusterManager, &[], &[&castra], &[]);
    let tell = |language: &str| {
        change(
            &app,
            Some(&editor),
            TELL,
            json!({ "title": CHINESE, "summary": "雙方在2016年ECCP舉辦的媒合會上認識。", "outcome": "JOINT_R_AND_D",
                    "clusterIds": [castra], "language": language }),
        )
    };
    assert_eq!(tell("chinese!").bad_fields(), ["language"]);
    let id = tell("zh-Hant").data()["createSuccessStory"]["successStory"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let english = json!({ "id": id, "version": 1, "language": "en", "title": ENGLISH,
                          "summary": "They met at a 2016 ECCP matchmaking event." });
    change(&app, Some(&editor), SET, english).data();
    const UPDATE: &str = r#"mutation($input: UpdateSuccessStoryInput!) { updateSuccessStory(input: $input) {
        successStory { version primaryLanguage } } }"#;
    let to_english = json!({ "id": id, "version": 2, "language": "en-GB" });
    assert_eq!(
        change(&app, Some(&editor), UPDATE, to_english).data()["updateSuccessStory"]["successStory"],
        json!({ "version": 3, "primaryLanguage": "en-GB" }),
        "another English than the translation's is free"
    );
    let taken = json!({ "id": id, "version": 3, "language": "en" });
    assert_eq!(change(&app, Some(&editor), UPDATE, taken).bad_fields(), ["language"]);
    publish(&app, &editor, &json!(id), 3);
    let at = |locale: Option<&str>| json!({ "id": id, "locale": locale });
    assert_eq!(
        language_title(&read(&app, "", READ, at(None))),
        (Some("en-GB"), Some(CHINESE)),
        "no preference: the primary text, as its editor labelled it"
    );
    assert_eq!(
        language_title(&read(&app, "", READ, at(Some("en")))),
        (Some("en"), Some(ENGLISH))
    );
}
