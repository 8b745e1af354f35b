//! `clusterbridge schedule` run as the real binary: a good instance gives a schedule covering
//! every meeting, and each malformed or contradictory one exits 2 naming the item at fault.

use serde_json::{json, Value};

use crate::cli::clusterbridge;

fn schedule(instance: &str) -> std::process::Output {
    let path = std::env::temp_dir().join(format!("clusterbridge-schedule-{}.json", uuid::Uuid::now_v7().simple()));
    std::fs::write(&path, instance).expect("write the instance");
    let out = clusterbridge(&["schedule", "--input", path.to_str().expect("a UTF-8 path")], &[]);
    let _ = std::fs::remove_file(&path);
    out
}

fn good() -> Value {
    json!({
        "slotCount": 4,
        "tableCount": 2,
        "participants": [
            {"id": "castra", "availableSlots": [0, 1, 2, 3], "maxMeetings": 3},
            {"id": "tw-si", "availableSlots": [0, 1, 2], "maxMeetings": 3},
            {"id": "cnfi", "availableSlots": [1, 2, 3], "maxMeetings": 2},
            {"id": "late", "availableSlots": [3], "maxMeetings": 1}
        ],
        "meetings": [
            {"id": "m1", "between": ["castra", "tw-si"], "pinned": {"slot": 1, "table": 1}},
            {"id": "m2", "between": ["castra", "cnfi"]},
            {"id": "m3", "between": ["tw-si", "cnfi"]},
            {"id": "m4", "between": ["tw-si", "late"]},
            {"id": "m5", "between": ["castra", "late"]}
        ]
    })
}

#[test]
fn a_good_instance_prints_a_schedule_of_every_meeting() {
    let out = schedule(&good().to_string());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let placed = answer["placed"].as_array().expect("placed");
    let unplaced = answer["unplaced"].as_array().expect("unplaced");
    let mut ids: Vec<&str> = placed
        .iter()
        .chain(unplaced)
        .map(|m| m["meeting"].as_str().expect("an id"))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["m1", "m2", "m3", "m4", "m5"]);
    assert!(
        placed.contains(&json!({"meeting": "m1", "slot": 1, "table": 1})),
        "the pin holds: {answer}"
    );
    // tw-si and late share no slot. castra is taken in slot 1 (the pin) and slot 3 (m5, late's
    // only slot), so m2 needs slot 2, where m3 needs cnfi too: one of them waits.
    assert_eq!(answer["stats"]["placed"], 3, "{answer}");
    assert!(
        placed.contains(&json!({"meeting": "m5", "slot": 3, "table": 0})),
        "{answer}"
    );
    let m4 = unplaced.iter().find(|u| u["meeting"] == "m4").expect("m4 unplaced");
    assert_eq!(m4["reason"], "tw-si and late share no available slot");
    assert_eq!(unplaced.len(), 2, "{answer}");
    assert!(answer["stats"]["upperBound"].as_u64().unwrap_or(0) >= 3);
    let again = schedule(&good().to_string());
    assert_eq!(again.stdout, out.stdout, "the same input gives the same schedule");
}

/// Each malformed case, and a word its message must hold (the item at fault).
#[test]
fn a_malformed_instance_exits_2_naming_the_item() {
    let mut cases: Vec<(&str, Value, &str)> = Vec::new();
    let mut case = |name: &'static str, expect: &'static str, change: &dyn Fn(&mut Value)| {
        let mut instance = good();
        change(&mut instance);
        cases.push((name, instance, expect));
    };
    case("unknown participant", "ghost", &|i| {
        i["meetings"][1]["between"][1] = json!("ghost")
    });
    case("meeting with itself", "\"m2\"", &|i| {
        i["meetings"][1]["between"] = json!(["cnfi", "cnfi"])
    });
    case("pin outside availability", "\"late\"", &|i| {
        i["meetings"][4]["pinned"] = json!({"slot": 0, "table": 0})
    });
    case(
        "two pins on one table and slot",
        "\"m1\" and \"m6\" are both pinned to slot 1, table 1",
        &|i| {
            for id in ["x", "y"] {
                i["participants"]
                    .as_array_mut()
                    .expect("participants")
                    .push(json!({"id": id, "availableSlots": [1], "maxMeetings": 1}));
            }
            i["meetings"]
                .as_array_mut()
                .expect("meetings")
                .push(json!({"id": "m6", "between": ["x", "y"], "pinned": {"slot": 1, "table": 1}}));
        },
    );
    case("one participant pinned twice in a slot", "\"castra\"", &|i| {
        i["meetings"][1]["pinned"] = json!({"slot": 1, "table": 0})
    });
    case("pinned slot out of range", "\"m1\"", &|i| {
        i["meetings"][0]["pinned"]["slot"] = json!(9)
    });
    case("pinned table out of range", "\"m1\"", &|i| {
        i["meetings"][0]["pinned"]["table"] = json!(2)
    });
    case("available slot out of range", "\"cnfi\"", &|i| {
        i["participants"][2]["availableSlots"] = json!([1, 4])
    });
    case("duplicate meeting", "\"m1\"", &|i| i["meetings"][1]["id"] = json!("m1"));
    case("duplicate participant", "\"cnfi\"", &|i| {
        i["participants"][3]["id"] = json!("cnfi")
    });
    case("unknown field", "tables", &|i| i["tables"] = json!(3));
    case("negative slot", "participants[0].availableSlots[0]", &|i| {
        i["participants"][0]["availableSlots"] = json!([-1])
    });
    for (name, instance, expect) in cases {
        let out = schedule(&instance.to_string());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expect), "{name}: {stderr:?} does not name {expect}");
        assert!(out.stdout.is_empty(), "{name}: no schedule printed");
    }
    let out = schedule("{\"slotCount\": 4,");
    assert_eq!(out.status.code(), Some(2), "bad JSON");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a scheduling instance"));
    let out = schedule(&format!("{} {}", good(), good()));
    assert_eq!(out.status.code(), Some(2), "two instances in one file");
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than one scheduling instance"));
}

#[test]
fn the_scheduling_benchmark_runs_in_smoke_mode() {
    let out = clusterbridge(&["benchmark-schedule", "--smoke"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("share") && text.contains("greedy"), "{text}");
    let events = text.lines().filter(|l| l.starts_with(|c: char| c.is_ascii_digit()));
    assert_eq!(events.count(), 2, "one line per smoke event: {text}");
}
