//! Discovery on a small crafted directory whose answers are counted by hand: text search in two
//! languages with typos, filters, facets consistent with the list, explained recommendations,
//! and drafts that never show to those who may not see them.
//!
//! Why this file is long: every test reads the one crafted directory at its top, whose answers
//! were counted by hand; apart, the counts and the data they come from would drift.

use serde_json::{json, Value};

use crate::support::TestApp;

const CREATE: &str = "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }";

struct Directory {
    app: TestApp,
    ids: std::collections::HashMap<&'static str, String>,
}

fn cluster(name: &str, country: &str, ecosystems: &[&str], technologies: &[&str], total: i32) -> Value {
    json!({ "name": name, "kind": "CLUSTER_ORGANISATION", "country": country, "ecosystems": ecosystems,
            "technologies": technologies, "memberCounts": { "total": total, "sme": total },
            "status": "PUBLISHED", "website": "https://cluster.example.org", "description": format!("{name} profile.") })
}

impl Directory {
    fn new() -> Self {
        let app = TestApp::empty();
        let mut ids = std::collections::HashMap::new();
        let mut a = cluster(
            "Alpha Aerospace Cluster",
            "TW",
            &["AEROSPACE_DEFENCE", "DIGITAL"],
            &["composites", "avionics"],
            40,
        );
        a["localName"] = json!("台中航太聚落");
        a["region"] = json!("Central Taiwan");
        a["kind"] = json!("INDUSTRY_ASSOCIATION");
        a["foundedYear"] = json!(2001);
        a["label"] = json!("GOLD");
        a["labelExpiresOn"] = json!("2027-12-31");
        a["targetCountries"] = json!(["DE", "FR"]);
        let mut b = cluster(
            "Bavaria Avionics Network",
            "DE",
            &["AEROSPACE_DEFENCE", "ELECTRONICS"],
            &["avionics", "sensors"],
            120,
        );
        b["region"] = json!("Bavaria");
        b["foundedYear"] = json!(2010);
        b["label"] = json!("SILVER");
        b["labelExpiresOn"] = json!("2028-06-30");
        b["targetCountries"] = json!(["TW"]);
        let mut c = cluster(
            "Circuit Board Alliance",
            "TW",
            &["ELECTRONICS"],
            &["printed circuit boards"],
            15,
        );
        c["acronym"] = json!("CBA");
        c["kind"] = json!("INDUSTRY_ASSOCIATION");
        c["foundedYear"] = json!(1995);
        let mut d = cluster("Danube Food Cluster", "AT", &["AGRI_FOOD"], &["food safety"], 60);
        d["foundedYear"] = json!(2015);
        d["label"] = json!("BRONZE");
        d["labelExpiresOn"] = json!("2027-01-31");
        let mut e = cluster(
            "Eindhoven Chips Cluster",
            "NL",
            &["ELECTRONICS", "DIGITAL"],
            &["semiconductors", "sensors"],
            300,
        );
        e["foundedYear"] = json!(2005);
        e["label"] = json!("GOLD");
        e["labelExpiresOn"] = json!("2028-12-31");
        let mut f = cluster(
            "Hidden Aerospace Draft",
            "FR",
            &["AEROSPACE_DEFENCE"],
            &["avionics"],
            20,
        );
        f["status"] = json!("DRAFT");
        for (key, input) in [("A", a), ("B", b), ("C", c), ("D", d), ("E", e), ("F", f)] {
            let reply = app.as_admin(CREATE, json!({ "i": input }));
            ids.insert(
                key,
                reply.data()["createCluster"]["cluster"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        app.as_admin(
            "mutation($b: ID!, $e: ID!) { createPartnership(input: {name: \"Sensors Going International\", kind: ESCP_4I, status: ACTIVE,
               members: [{clusterId: $b, role: COORDINATOR}, {clusterId: $e}]}) { partnership { id } } }",
            json!({ "b": ids["B"], "e": ids["E"] }),
        )
        .data();
        Directory { app, ids }
    }

    /// Changes a profile as the administrator, at its current version.
    fn update(&self, key: &str, fields: &str) {
        let version = self
            .app
            .as_admin(
                "query($id: ID!) { node(id: $id) { ... on Cluster { version } } }",
                json!({ "id": self.ids[key] }),
            )
            .data()["node"]["version"]
            .clone();
        self.app
            .as_admin(
                &format!("mutation($id: ID!, $v: Int!) {{ updateCluster(input: {{id: $id, version: $v, {fields}}}) {{ cluster {{ id }} }} }}"),
                json!({ "id": self.ids[key], "v": version }),
            )
            .data();
    }

    fn names(&self, filter: Value, order: Value) -> Vec<String> {
        let reply = self.app.query(
            "query($f: ClusterFilter, $o: ClusterOrder) { clusters(filter: $f, orderBy: $o, first: 100) { totalCount nodes { name } } }",
            json!({ "f": filter, "o": order }),
        );
        let clusters = &reply.data()["clusters"];
        let names: Vec<String> = clusters["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            clusters["totalCount"].as_u64().unwrap() as usize,
            names.len(),
            "totalCount agrees with the list"
        );
        names
    }

    fn initials(&self, filter: Value) -> String {
        let mut names: Vec<String> = self
            .names(filter, Value::Null)
            .iter()
            .map(|n| n[..1].to_owned())
            .collect();
        names.sort();
        names.concat()
    }
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

#[test]
fn text_search_in_two_languages_with_typos_and_highlights() {
    let dir = Directory::new();
    let search = |q: &str| {
        let reply = dir.app.query(
            "query($q: String) { clusters(filter: {query: $q}) { totalCount edges { highlight node { name } } } }",
            json!({ "q": q }),
        );
        // Each hit as its name and the highlight on its edge.
        let edges = reply.data()["clusters"]["edges"].as_array().unwrap().clone();
        edges
            .iter()
            .map(|e| json!({ "name": e["node"]["name"], "highlight": e["highlight"] }))
            .collect::<Vec<_>>()
    };
    let names = |q: &str| -> Vec<String> {
        search(q)
            .iter()
            .map(|n| n["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("航太"), ["Alpha Aerospace Cluster"], "Chinese, two characters");
    let mut avionics = names("avionics");
    avionics.sort();
    assert_eq!(
        avionics,
        ["Alpha Aerospace Cluster", "Bavaria Avionics Network"],
        "technology keyword; never the draft"
    );
    let mut typo = names("avoinics");
    typo.sort();
    assert_eq!(
        typo,
        ["Alpha Aerospace Cluster", "Bavaria Avionics Network"],
        "one typo is forgiven"
    );
    if dir.app.on_postgres() {
        // pg_trgm finds corrections whose first letter is the mistyped one.
        assert_eq!(
            sorted(names("qvionics")),
            ["Alpha Aerospace Cluster", "Bavaria Avionics Network"]
        );
        // Words and word beginnings.
        assert_eq!(
            sorted(names("avion")),
            ["Alpha Aerospace Cluster", "Bavaria Avionics Network"]
        );
    } else {
        // Any substring.
        assert_eq!(
            sorted(names("vionic")),
            ["Alpha Aerospace Cluster", "Bavaria Avionics Network"]
        );
    }
    assert_eq!(names("CBA"), ["Circuit Board Alliance"], "acronym");
    assert_eq!(
        names("printed circuit"),
        ["Circuit Board Alliance"],
        "every word must match"
    );
    assert!(names("zeppelin").is_empty());
    // The index follows every write: a new description is found, a deleted profile is not.
    dir.update("D", "description: \"Zeppelin hangars on the Danube.\"");
    assert_eq!(names("zeppelin"), ["Danube Food Cluster"]);
    dir.app
        .as_admin(
            "mutation($id: ID!) { deleteCluster(input: {id: $id}) { deletedClusterId } }",
            json!({ "id": dir.ids["D"] }),
        )
        .data();
    assert!(names("zeppelin").is_empty());
    assert!(names("danube").is_empty());
    assert_eq!(
        names("航太聚"),
        ["Alpha Aerospace Cluster"],
        "Chinese, three characters"
    );
    assert!(names("聚航").is_empty(), "characters in another order are another word");
    // The name match ranks first.
    assert_eq!(names("aerospace")[0], "Alpha Aerospace Cluster");
    let hit = &search("航太")[0];
    assert!(hit["highlight"].as_str().unwrap().contains("[航太]"), "{hit}");
    let without = dir.app.query("{ clusters { edges { highlight } } }", json!({}));
    assert!(without.data()["clusters"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["highlight"].is_null()));
    // Relevance needs a query; other orders apply to search results too.
    let refused = dir
        .app
        .query("{ clusters(orderBy: {field: RELEVANCE}) { totalCount } }", json!({}));
    assert_eq!(refused.bad_fields(), ["orderBy.field"]);
    let by_name = dir.names(
        json!({ "query": "avionics" }),
        json!({ "field": "NAME", "direction": "DESC" }),
    );
    assert_eq!(by_name, ["Bavaria Avionics Network", "Alpha Aerospace Cluster"]);
}

#[test]
fn relevance_and_recommendation_pages_walk_the_whole_list() {
    let dir = Directory::new();
    let page = |query: &str, args: &str| {
        let reply = dir.app.query(
            &format!("query($q: String) {{ clusters(filter: {{query: $q}}, {args}) {{ totalCount edges {{ cursor node {{ name }} }} pageInfo {{ hasNextPage hasPreviousPage }} }} }}"),
            json!({ "q": query }),
        );
        reply.data()["clusters"].clone()
    };
    let names = |list: &Value| -> Vec<String> {
        list["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // "cluster" is in three published profiles' names (the draft is hidden).
    let all = page("cluster", "first: 10");
    assert_eq!(all["totalCount"], 3);
    let all_names = names(&all);
    assert_eq!(all_names.len(), 3);
    let first = page("cluster", "first: 2");
    assert_eq!(names(&first), all_names[..2]);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["totalCount"], 3, "the total does not depend on the page");
    let cursor = first["edges"][1]["cursor"].as_str().unwrap().to_owned();
    let rest = page("cluster", &format!("first: 2, after: \"{cursor}\""));
    assert_eq!(names(&rest), all_names[2..]);
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest["pageInfo"]["hasPreviousPage"], true);
    let last = page("cluster", "last: 2");
    assert_eq!(names(&last), all_names[1..]);
    assert_eq!(last["pageInfo"]["hasPreviousPage"], true);
    let cursor = last["edges"][0]["cursor"].as_str().unwrap().to_owned();
    let before = page("cluster", &format!("last: 5, before: \"{cursor}\""));
    assert_eq!(names(&before), all_names[..1]);
    let cursor = rest["edges"][0]["cursor"].as_str().unwrap().to_owned();
    let beyond = page("cluster", &format!("first: 2, after: \"{cursor}\""));
    assert!(names(&beyond).is_empty());
    assert_eq!(
        beyond["totalCount"], 3,
        "an empty page past the end still counts the list"
    );

    let recommend = |args: &str| {
        dir.app
            .query(
                &format!("query($id: ID!) {{ recommendedPartners(clusterId: $id, {args}) {{ totalCount edges {{ cursor score node {{ name }} }} pageInfo {{ hasNextPage }} }} }}"),
                json!({ "id": dir.ids["A"] }),
            )
            .data()["recommendedPartners"]
            .clone()
    };
    let everything = recommend("first: 10");
    assert_eq!(everything["totalCount"], 3);
    let one = recommend("first: 1");
    assert_eq!(one["totalCount"], 3);
    assert_eq!(one["pageInfo"]["hasNextPage"], true);
    assert_eq!(one["edges"][0], everything["edges"][0]);
    let cursor = one["edges"][0]["cursor"].as_str().unwrap().to_owned();
    let next = recommend(&format!("first: 5, after: \"{cursor}\""));
    assert_eq!(
        next["edges"].as_array().unwrap()[..],
        everything["edges"].as_array().unwrap()[1..]
    );
    let scores: Vec<f64> = everything["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
}

#[test]
fn filters_combine_as_counted_by_hand() {
    let dir = Directory::new();
    let cases = [
        (json!({ "countries": ["TW"] }), "AC"),
        (json!({ "ecosystems": ["ELECTRONICS"] }), "BCE"),
        (json!({ "countries": ["TW"], "ecosystems": ["ELECTRONICS"] }), "C"),
        (json!({ "ecosystems": ["AGRI_FOOD", "AEROSPACE_DEFENCE"] }), "ABD"),
        (json!({ "memberCount": { "min": 50 } }), "BDE"),
        (json!({ "memberCount": { "min": 20, "max": 100 } }), "AD"),
        (json!({ "foundedYear": { "max": 2001 } }), "AC"),
        (json!({ "labels": ["GOLD"] }), "AE"),
        (json!({ "regions": ["Bavaria"] }), "B"),
        (json!({ "hasActivePartnershipOfKind": ["ESCP_4I"] }), "BE"),
        (json!({ "hasActivePartnershipOfKind": ["MOU"] }), ""),
        (json!({ "targetCountries": ["TW"] }), "B"),
        (json!({ "kinds": ["INDUSTRY_ASSOCIATION"] }), "AC"),
        (json!({ "ecosystems": ["ELECTRONICS"], "labels": ["GOLD"] }), "E"),
        (json!({ "query": "sensors", "countries": ["NL", "DE"] }), "BE"),
    ];
    for (filter, expected) in cases {
        assert_eq!(dir.initials(filter.clone()), expected, "{filter}");
    }
    let by_members = dir.names(Value::Null, json!({ "field": "MEMBER_COUNT", "direction": "DESC" }));
    assert_eq!(by_members.iter().map(|n| &n[..1]).collect::<String>(), "EBDAC");
    let bad = dir.app.query(
        "{ clusters(filter: {memberCount: {min: 10, max: 5}}) { totalCount } }",
        json!({}),
    );
    assert_eq!(bad.bad_fields(), ["filter.memberCount"]);
}

fn facet_counts(facets: &Value, dimension: &str) -> Vec<(String, u64)> {
    facets[dimension]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["value"].as_str().unwrap().to_owned(), v["count"].as_u64().unwrap()))
        .collect()
}

#[test]
fn facet_counts_match_the_filtered_lists() {
    let dir = Directory::new();
    let facets = |filter: Value| {
        dir.app
            .query(
                "query($f: ClusterFilter) { clusterFacets(filter: $f) { countries { value count } ecosystems { value count }
                   emergingIndustries { value count } kinds { value count } labels { value count } } }",
                json!({ "f": filter }),
            )
            .data()["clusterFacets"]
            .clone()
    };
    let electronics = facets(json!({ "ecosystems": ["ELECTRONICS"] }));
    let mut countries = facet_counts(&electronics, "countries");
    countries.sort();
    assert_eq!(
        countries,
        [("DE".to_owned(), 1), ("NL".to_owned(), 1), ("TW".to_owned(), 1)]
    );
    // A dimension's own filter does not narrow its counts; the draft is never counted.
    let ecosystems = facet_counts(&electronics, "ecosystems");
    assert!(
        ecosystems.contains(&("AEROSPACE_DEFENCE".to_owned(), 2)),
        "{ecosystems:?}"
    );
    assert!(ecosystems.contains(&("ELECTRONICS".to_owned(), 3)));

    // The rule, checked for every value of every dimension under several filters.
    for base in [
        json!({}),
        json!({ "ecosystems": ["ELECTRONICS"] }),
        json!({ "countries": ["TW", "DE"] }),
        json!({ "query": "avionics" }),
        json!({ "query": "avionics", "countries": ["TW", "DE"], "ecosystems": ["AEROSPACE_DEFENCE"] }),
        json!({ "query": "sensors", "labels": ["GOLD", "SILVER"], "kinds": ["CLUSTER_ORGANISATION"] }),
        json!({ "query": "cluster", "regions": ["Bavaria", "Central Taiwan"], "memberCount": { "min": 30 } }),
        json!({ "query": "avionics", "emergingIndustries": ["MEDICAL_DEVICES"] }),
    ] {
        let counts = facets(base.clone());
        for (dimension, field) in [
            ("countries", "countries"),
            ("ecosystems", "ecosystems"),
            ("emergingIndustries", "emergingIndustries"),
            ("kinds", "kinds"),
            ("labels", "labels"),
        ] {
            let values = facet_counts(&counts, dimension);
            for (value, count) in &values {
                let mut filter = base.clone();
                filter[field] = json!([value]);
                assert_eq!(
                    dir.names(filter.clone(), Value::Null).len() as u64,
                    *count,
                    "{dimension}={value} under {base}"
                );
            }
            // A profile has exactly one of these, so no value may be missing from the list.
            if ["countries", "kinds", "labels"].contains(&dimension) {
                let mut others = base.clone();
                others.as_object_mut().unwrap().remove(field);
                assert_eq!(
                    values.iter().map(|(_, c)| c).sum::<u64>(),
                    dir.names(others, Value::Null).len() as u64,
                    "{dimension} under {base}"
                );
            }
        }
    }
}

/// Facet counts over text matches read copies of the facet values on PostgreSQL: every kind of
/// profile edit must reach them in the same write.
#[test]
fn facets_over_text_matches_follow_profile_edits() {
    let dir = Directory::new();
    let facets = |filter: Value| {
        let reply = dir.app.query(
            "query($f: ClusterFilter) { clusterFacets(filter: $f) { countries { value count } ecosystems { value count }
               emergingIndustries { value count } kinds { value count } labels { value count } } }",
            json!({ "f": filter }),
        );
        let facets = reply.data()["clusterFacets"].clone();
        ["countries", "ecosystems", "emergingIndustries", "kinds", "labels"].map(|d| {
            let mut counts = facet_counts(&facets, d);
            counts.sort();
            counts
        })
    };
    let pairs =
        |list: &[(&str, u64)]| -> Vec<(String, u64)> { list.iter().map(|(v, c)| (v.to_string(), *c)).collect() };
    let avionics = json!({ "query": "avionics" });
    let [countries, ecosystems, emerging, kinds, labels] = facets(avionics.clone());
    assert_eq!(
        countries,
        pairs(&[("DE", 1), ("TW", 1)]),
        "the French draft is not counted"
    );
    assert_eq!(
        ecosystems,
        pairs(&[("AEROSPACE_DEFENCE", 2), ("DIGITAL", 1), ("ELECTRONICS", 1)])
    );
    assert!(emerging.is_empty());
    assert_eq!(
        kinds,
        pairs(&[("CLUSTER_ORGANISATION", 1), ("INDUSTRY_ASSOCIATION", 1)])
    );
    assert_eq!(labels, pairs(&[("GOLD", 1), ("SILVER", 1)]));

    dir.update(
        "B",
        "ecosystems: [DIGITAL], emergingIndustries: [MEDICAL_DEVICES, BLUE_GROWTH], kind: INDUSTRY_ASSOCIATION, label: GOLD, country: \"AT\"",
    );
    let [countries, ecosystems, emerging, kinds, labels] = facets(avionics.clone());
    assert_eq!(countries, pairs(&[("AT", 1), ("TW", 1)]));
    assert_eq!(ecosystems, pairs(&[("AEROSPACE_DEFENCE", 1), ("DIGITAL", 2)]));
    assert_eq!(emerging, pairs(&[("BLUE_GROWTH", 1), ("MEDICAL_DEVICES", 1)]));
    assert_eq!(kinds, pairs(&[("INDUSTRY_ASSOCIATION", 2)]));
    assert_eq!(labels, pairs(&[("GOLD", 2)]));
    let [countries, ..] =
        facets(json!({ "query": "avionics", "emergingIndustries": ["BLUE_GROWTH"], "ecosystems": ["DIGITAL"] }));
    assert_eq!(countries, pairs(&[("AT", 1)]));

    // Publishing the draft counts it; removing a profile stops counting it.
    dir.update("F", "status: PUBLISHED");
    let [countries, ..] = facets(avionics.clone());
    assert_eq!(countries, pairs(&[("AT", 1), ("FR", 1), ("TW", 1)]));
    dir.app
        .as_admin(
            "mutation($id: ID!) { deleteCluster(input: {id: $id}) { deletedClusterId } }",
            json!({ "id": dir.ids["A"] }),
        )
        .data();
    let [countries, ecosystems, ..] = facets(avionics);
    assert_eq!(countries, pairs(&[("AT", 1), ("FR", 1)]));
    assert_eq!(ecosystems, pairs(&[("AEROSPACE_DEFENCE", 1), ("DIGITAL", 1)]));
}

#[test]
fn recommendations_rank_and_explain() {
    let dir = Directory::new();
    let recommend = |id: &str| {
        dir.app
            .query(
                "query($id: ID!) { recommendedPartners(clusterId: $id, first: 10) { totalCount edges { score node { name } reasons { kind points detail } } } }",
                json!({ "id": id }),
            )
            .data()["recommendedPartners"]
            .clone()
    };
    let for_alpha = recommend(&dir.ids["A"]);
    let edges = for_alpha["edges"].as_array().unwrap();
    let order: Vec<&str> = edges.iter().map(|e| e["node"]["name"].as_str().unwrap()).collect();
    assert_eq!(
        order,
        [
            "Bavaria Avionics Network",
            "Eindhoven Chips Cluster",
            "Circuit Board Alliance"
        ],
        "D shares nothing; F is a draft"
    );
    for edge in edges {
        let sum: f64 = edge["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["points"].as_f64().unwrap())
            .sum();
        assert!(
            (sum - edge["score"].as_f64().unwrap()).abs() < 1e-9,
            "the score is the sum of its reasons"
        );
    }
    let reasons: Vec<(String, f64, String)> = edges[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_owned(),
                r["points"].as_f64().unwrap(),
                r["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = [
        ("SHARED_ECOSYSTEMS", 3.0, "AEROSPACE_DEFENCE"),
        (
            "COMPLEMENTARY_ECOSYSTEMS",
            2.0,
            "AEROSPACE_DEFENCE+ELECTRONICS, DIGITAL+ELECTRONICS",
        ),
        ("SHARED_TECHNOLOGIES", 2.0, "avionics"),
        ("TARGET_COUNTRY", 3.0, "you seek partners in DE"),
        ("TARGETS_YOUR_COUNTRY", 2.0, "they seek partners in TW"),
        ("INTERNATIONAL", 2.0, "TW – DE"),
        ("LABEL", 1.0, "SILVER"),
        ("COMPLETE_PROFILE", 0.5, "website and description"),
    ];
    for (kind, points, detail) in expect {
        assert!(
            reasons.contains(&(kind.to_owned(), points, detail.to_owned())),
            "{kind} in {reasons:?}"
        );
    }
    assert_eq!(edges[0]["score"], 15.5);
    // Partners already are not recommended: B and E share a partnership.
    let for_bavaria = recommend(&dir.ids["B"]);
    assert!(for_bavaria["edges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["node"]["name"] != "Eindhoven Chips Cluster"));
    // The partner index follows every change: Danube gains an ecosystem Alpha works in, and
    // Eindhoven leaves the directory.
    let recommended = |id: &str| -> Vec<String> {
        recommend(id)["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    dir.update("D", "ecosystems: [AGRI_FOOD, DIGITAL]");
    assert!(recommended(&dir.ids["A"]).contains(&"Danube Food Cluster".to_owned()));
    dir.app
        .as_admin(
            "mutation($id: ID!) { deleteCluster(input: {id: $id}) { deletedClusterId } }",
            json!({ "id": dir.ids["E"] }),
        )
        .data();
    assert!(!recommended(&dir.ids["A"]).contains(&"Eindhoven Chips Cluster".to_owned()));
    // A draft is no source for those who may not see it.
    let hidden = dir.app.query(
        "query($id: ID!) { recommendedPartners(clusterId: $id) { totalCount } }",
        json!({ "id": dir.ids["F"] }),
    );
    assert_eq!(hidden.code(), "NOT_FOUND");
}

#[test]
fn drafts_never_show_to_those_who_may_not_see_them() {
    let dir = Directory::new();
    assert!(dir.names(json!({ "query": "Hidden" }), Value::Null).is_empty());
    assert!(dir.names(json!({ "countries": ["FR"] }), Value::Null).is_empty());
    let facets = dir
        .app
        .query("{ clusterFacets { countries { value count } } }", json!({}));
    assert!(!facet_counts(&facets.data()["clusterFacets"], "countries")
        .iter()
        .any(|(c, _)| c == "FR"));
    let admin = dir.app.as_admin(
        "{ clusters(filter: {query: \"Hidden\"}) { totalCount } clusterFacets { countries { value count } } }",
        json!({}),
    );
    assert_eq!(admin.data()["clusters"]["totalCount"], 1);
    assert!(facet_counts(&admin.data()["clusterFacets"], "countries").contains(&("FR".to_owned(), 1)));
}

#[test]
fn the_issue_examples_on_the_demo_data() {
    let app = TestApp::spawn();
    let acronyms = |q: &str| -> Vec<String> {
        let reply = app.query(
            "query($q: String) { clusters(filter: {query: $q}) { nodes { acronym name } } }",
            json!({ "q": q }),
        );
        reply.data()["clusters"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["acronym"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // By its Chinese name, and the System Integration Promotion Office, whose zh-Hant
    // description names its aerospace partner (航太); in no asserted order (one search document
    // weighs a name and a description alike).
    let mut aerospace = acronyms("航太");
    aerospace.sort();
    assert_eq!(
        aerospace,
        ["", "TAIA"],
        "the Taiwan Aerospace Industry Association by its Chinese name"
    );
    for q in ["aerospace", "aerospce"] {
        let found = acronyms(q);
        assert!(
            found.contains(&"TAIA".to_owned()) && found.contains(&"CASTRA".to_owned()),
            "{q}: {found:?}"
        );
    }
    assert_eq!(
        acronyms("TPCA")[0],
        "TPCA",
        "the printed-circuit association by its acronym"
    );
    let pcb = app.query(
        r#"{ clusters(filter: {query: "printed circuit"}) { nodes { acronym } } }"#,
        json!({}),
    );
    assert!(pcb.data()["clusters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["acronym"] == "TPCA"));
}
