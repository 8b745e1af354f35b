//! A cluster's description in several languages.

use clusterbridge::auth::Role;
use serde_json::{json, Value};

use super::{change, extra_statements, read};
use crate::{posts::cluster_id, support::TestApp};

const SET: &str = r#"mutation($input: SetClusterTranslationInput!) { setClusterTranslation(input: $input) {
    cluster { version primaryLanguage translations description(locale: "zh-Hant") } } }"#;
const REMOVE: &str = r#"mutation($input: RemoveClusterTranslationInput!) { removeClusterTranslation(input: $input) {
    cluster { version translations } } }"#;
const READ: &str = r#"query($id: ID!, $locale: String) { cluster(id: $id) {
    description(locale: $locale) descriptionLanguage(locale: $locale) primaryLanguage translations } }"#;
const SEARCH: &str = r#"query($q: String!) { clusters(filter: {query: $q}) { nodes { slug } } }"#;
/// Words of TPCA's seeded zh-Hant description only (its local name has 電路板, not these).
const TPCA_CHINESE: &str = "印刷電路板產業";

fn described(reply: &Value) -> (Option<&str>, Option<&str>) {
    let c = &reply["cluster"];
    (c["descriptionLanguage"].as_str(), c["description"].as_str())
}

fn slugs(app: &TestApp, accept: &str, q: &str) -> Vec<String> {
    read(app, accept, SEARCH, json!({ "q": q }))["clusters"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["slug"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn the_reader_gets_the_best_language_of_a_description_and_the_primary_one_otherwise() {
    let app = TestApp::spawn();
    let id = json!({ "id": cluster_id(&app, "tpca") });
    let taiwanese = read(&app, "zh-TW,zh;q=0.9", READ, id.clone());
    assert_eq!(described(&taiwanese).0, Some("zh-Hant"));
    assert!(
        described(&taiwanese)
            .1
            .is_some_and(|d| d.starts_with("台灣印刷電路板產業的公協會")),
        "{taiwanese}"
    );
    assert_eq!(
        (
            &taiwanese["cluster"]["primaryLanguage"],
            &taiwanese["cluster"]["translations"]
        ),
        (&json!("en"), &json!(["zh-Hant"]))
    );
    let english = |reply: &Value| {
        described(reply).0 == Some("en")
            && described(reply)
                .1
                .is_some_and(|d| d.starts_with("Industry association of Taiwan's printed"))
    };
    let overridden = read(&app, "zh-TW", READ, json!({ "id": id["id"], "locale": "en" }));
    assert!(english(&overridden), "locale overrides the header: {overridden}");
    let by_locale = read(&app, "", READ, json!({ "id": id["id"], "locale": "zh-hant-tw" }));
    assert_eq!(described(&by_locale).0, Some("zh-Hant"), "the region is looked up away");
    for accept in ["fr", "ja, de;q=0.5", "zh-Hans", "", "*"] {
        assert!(english(&read(&app, accept, READ, id.clone())), "{accept:?} falls back");
    }
    for (accept, language) in [
        ("en;q=0.5, zh-Hant;q=0.8", "zh-Hant"),
        ("zh-Hant;q=0.4, en;q=0.6", "en"),
        ("fr, zh;q=0.1", "zh-Hant"),
    ] {
        assert_eq!(
            described(&read(&app, accept, READ, id.clone())).0,
            Some(language),
            "{accept}"
        );
    }
    let refused = crate::posts::languages::with_language(
        &app,
        None,
        "zh-TW",
        READ,
        json!({ "id": id["id"], "locale": "chinese!" }),
    );
    assert_eq!(refused.bad_fields(), ["locale"]);

    // An untranslated profile answers in its primary language whatever is asked.
    let castra = read(&app, "zh-TW", READ, json!({ "id": cluster_id(&app, "castra") }));
    assert_eq!(
        (described(&castra).0, &castra["cluster"]["translations"]),
        (Some("en"), &json!([]))
    );
    // The demo's CNFI speaks the article's words.
    let cnfi = read(&app, "zh-TW", READ, json!({ "id": cluster_id(&app, "cnfi") }));
    assert!(described(&cnfi)
        .1
        .is_some_and(|d| d.contains("協助台灣公協會及其他單位登錄ECCP平台")));
}

#[test]
fn search_finds_a_cluster_by_a_word_of_its_translated_description() {
    let app = TestApp::spawn();
    assert_eq!(slugs(&app, "", TPCA_CHINESE), ["tpca"], "the seeded translation");
    let castra = cluster_id(&app, "castra");
    let editor = TestApp::scoped_token(Role::ClusterManager, &[], &[&castra], &[]);
    let word = "離岸風力發電";
    assert_eq!(slugs(&app, "", word), Vec::<String>::new());
    let version = read(
        &app,
        "",
        "query($id: ID!) { cluster(id: $id) { version } }",
        json!({ "id": castra }),
    )["cluster"]["version"]
        .clone();
    let set = change(
        &app,
        Some(&editor),
        SET,
        json!({ "id": castra, "version": version, "language": "zh-Hant",
                "description": format!("法國的資通訊及航太產業聚落，也投入{word}的研發。") }),
    );
    let cluster = set.data()["setClusterTranslation"]["cluster"].clone();
    assert_eq!(slugs(&app, "", word), ["castra"], "found by the Chinese word");
    assert_eq!(slugs(&app, "zh-TW", "風力"), ["castra"], "and by a shorter one");
    change(
        &app,
        Some(&editor),
        REMOVE,
        json!({ "id": castra, "version": cluster["version"], "language": "zh-Hant" }),
    )
    .data();
    assert_eq!(slugs(&app, "", word), Vec::<String>::new(), "gone with the translation");
}

#[test]
fn only_editors_translate_a_description_at_its_version_within_limits() {
    let app = TestApp::spawn();
    let castra = cluster_id(&app, "castra");
    let editor = TestApp::scoped_token(Role::ClusterManager, &[], &[&castra], &[]);
    let other_manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&cluster_id(&app, "tpca")], &[]);
    let partner_tw = TestApp::scoped_token(Role::Partner, &["TW"], &[], &[]);
    let stranger = TestApp::token(Role::User);
    let input = |version: i64, language: &str, description: &str| json!({ "id": castra, "version": version, "language": language, "description": description });
    let chinese = "法國的資通訊及航太產業聚落。";
    for (token, code) in [
        (None, "UNAUTHENTICATED"),
        (Some(&stranger), "FORBIDDEN"),
        (Some(&other_manager), "FORBIDDEN"),
        (Some(&partner_tw), "FORBIDDEN"),
    ] {
        assert_eq!(
            change(&app, token.map(String::as_str), SET, input(1, "zh-Hant", chinese)).code(),
            code
        );
        assert_eq!(
            change(
                &app,
                token.map(String::as_str),
                REMOVE,
                json!({ "id": castra, "version": 1, "language": "fr" })
            )
            .code(),
            code
        );
    }
    let bad = |language: &str| change(&app, Some(&editor), SET, input(1, language, "  ")).bad_fields();
    assert_eq!(bad("klingon"), ["language", "description"], "not a tag");
    assert_eq!(
        bad("EN"),
        ["language", "description"],
        "the primary language is the profile itself"
    );
    let too_long = "長".repeat(20_001);
    assert_eq!(
        change(&app, Some(&editor), SET, input(1, "zh-Hant", &too_long)).bad_fields(),
        ["description"]
    );

    let set = change(&app, Some(&editor), SET, input(1, "zh-tw", chinese));
    assert_eq!(
        set.data()["setClusterTranslation"]["cluster"],
        json!({ "version": 2, "primaryLanguage": "en", "translations": ["zh-Hant-TW"], "description": chinese }),
        "canonical, versioned on the cluster, and zh-Hant finds zh-Hant-TW"
    );
    assert_eq!(
        change(&app, Some(&editor), SET, input(1, "zh-Hant", chinese)).code(),
        "CONFLICT",
        "a stale version"
    );
    let replaced = change(&app, Some(&editor), SET, input(2, "zh-TW", "新的說明。"));
    assert_eq!(
        replaced.data()["setClusterTranslation"]["cluster"]["translations"],
        json!(["zh-Hant-TW"]),
        "one text per language"
    );
    let mut version = 3;
    for language in ["de", "fr", "it", "es", "nl", "pl", "cs", "sv", "fi"] {
        let reply = change(&app, Some(&editor), SET, input(version, language, "Text."));
        version = reply.data()["setClusterTranslation"]["cluster"]["version"]
            .as_i64()
            .unwrap_or_default();
    }
    assert_eq!(
        change(&app, Some(&editor), SET, input(version, "pt", "Texto.")).bad_fields(),
        ["language"],
        "an eleventh language"
    );
    let removed = change(
        &app,
        Some(&editor),
        REMOVE,
        json!({ "id": castra, "version": version, "language": "zh-Hant-tw" }),
    );
    let removed = removed.data()["removeClusterTranslation"]["cluster"].clone();
    assert_eq!(removed["version"], version + 1);
    assert_eq!(removed["translations"].as_array().map(Vec::len), Some(9));
    assert_eq!(
        change(
            &app,
            Some(&editor),
            REMOVE,
            json!({ "id": castra, "version": version + 1, "language": "zh-TW" })
        )
        .code(),
        "NOT_FOUND"
    );
    assert_eq!(
        change(
            &app,
            Some(&editor),
            REMOVE,
            json!({ "id": castra, "version": version + 1, "language": "中文" })
        )
        .bad_fields(),
        ["language"]
    );
    let audited = app.count(
        "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'Cluster' AND action = 'UPDATE' \
         AND changed_fields LIKE '%translations%'",
    );
    assert_eq!(audited, 12, "every set and removal");
}

#[test]
fn a_page_of_clusters_reads_its_translations_in_one_statement() {
    let app = TestApp::spawn();
    for first in [2, 20] {
        assert_eq!(
            extra_statements(&app, "clusters", "description descriptionLanguage translations", first),
            1,
            "one statement for the translations of a page of {first}"
        );
    }
}

#[test]
fn a_profile_names_the_language_its_description_is_written_in() {
    let app = TestApp::spawn();
    let castra = cluster_id(&app, "castra");
    let editor = TestApp::scoped_token(Role::ClusterManager, &[], &[&castra], &[]);
    const UPDATE: &str = r#"mutation($input: UpdateClusterInput!) { updateCluster(input: $input) {
        cluster { version primaryLanguage } } }"#;
    let set = change(
        &app,
        Some(&editor),
        SET,
        json!({ "id": castra, "version": 1, "language": "de", "description": "Ein Cluster." }),
    );
    assert_eq!(set.data()["setClusterTranslation"]["cluster"]["version"], 2);
    let update = |version: i64, language: &str| {
        change(
            &app,
            Some(&editor),
            UPDATE,
            json!({ "id": castra, "version": version, "language": language }),
        )
    };
    assert_eq!(update(2, "DE").bad_fields(), ["language"], "a translation has it");
    assert_eq!(update(2, "français").bad_fields(), ["language"], "not a tag");
    assert_eq!(
        update(2, "fr-fr").data()["updateCluster"]["cluster"],
        json!({ "version": 3, "primaryLanguage": "fr-FR" })
    );
    let french = read(&app, "fr", READ, json!({ "id": castra }));
    assert_eq!(
        described(&french).0,
        Some("fr-FR"),
        "the primary language is negotiated too"
    );
    let german = read(&app, "de-AT, fr;q=0.5", READ, json!({ "id": castra }));
    assert_eq!(described(&german), (Some("de"), Some("Ein Cluster.")));
    assert_eq!(
        change(
            &app,
            Some(&editor),
            SET,
            json!({ "id": castra, "version": 3, "language": "fr-FR", "description": "Un cluster." })
        )
        .bad_fields(),
        ["language"],
        "the new primary language is not a translation"
    );
}
