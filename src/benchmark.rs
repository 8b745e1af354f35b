//! `clusterbridge benchmark`: latency of discovery queries through the real schema (in process,
//! without HTTP and without rate limits), printed as p50 / p99 / max per kind of query.

use std::time::{Duration, Instant};

use entity::{cluster, taxonomy::ClusterStatus};
use rand::{seq::SliceRandom, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;

use crate::{auth::Caller, domain::recommendation::PartnerIndex, graphql};

const WORDS: [&str; 12] = [
    "aerospace",
    "sensors",
    "hydrogen",
    "Bavarian",
    "robotics",
    "avionics",
    "batteries",
    "photonics",
    "aerospce",
    "Klaster",
    "產業聚落",
    "circular economy",
];
const COUNTRIES: [&str; 8] = ["DE", "FR", "TW", "IT", "ES", "NL", "PL", "JP"];
const ECOSYSTEMS: [&str; 6] = [
    "DIGITAL",
    "ELECTRONICS",
    "AEROSPACE_DEFENCE",
    "HEALTH",
    "ENERGY_RENEWABLES",
    "AGRI_FOOD",
];

pub struct Measurement {
    pub name: &'static str,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub errors: usize,
    /// The variables of the slowest run, to look into.
    pub slowest: String,
}

/// Untimed runs of each kind before the timed ones, so the figures describe a warm service
/// (caches filled, connections open) rather than its first seconds.
const WARM_UP_RUNS: usize = 10;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// What a benchmark run measured.
pub struct Report {
    pub measurements: Vec<Measurement>,
    /// Building the partner index from scratch, as the first recommendation after a change does.
    pub partner_index_build: Duration,
    pub partner_index_size: usize,
}

pub async fn run(
    db: &DatabaseConnection,
    tokens: crate::auth::TokenService,
    runs: usize,
    seed: u64,
) -> Result<Report, String> {
    let started = Instant::now();
    let partner_index_size = PartnerIndex::default().rebuild(db).await.map_err(|e| e.to_string())?;
    let partner_index_build = started.elapsed();
    let schema = graphql::build_schema(
        db.clone(),
        tokens,
        crate::domain::notification::Hub::in_process(),
        crate::auth::Links::default(),
        Default::default(),
        Default::default(),
        false,
    );
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let ids: Vec<uuid::Uuid> = cluster::Entity::find()
        .select_only()
        .column(cluster::Column::Id)
        .filter(cluster::Column::Status.eq(ClusterStatus::Published))
        .limit(runs as u64)
        .into_tuple()
        .all(db)
        .await
        .map_err(|e| e.to_string())?;
    let kinds: [(&'static str, &str); 5] = [
        ("text search", "query($q: String) { clusters(filter: {query: $q}, first: 20) { totalCount edges { highlight node { name } } } }"),
        ("filtered text search", "query($q: String, $c: [String!], $e: [Ecosystem!]) { clusters(filter: {query: $q, countries: $c, ecosystems: $e}, first: 20) { totalCount nodes { name country } } }"),
        ("filtered list", "query($c: [String!], $e: [Ecosystem!]) { clusters(filter: {countries: $c, ecosystems: $e, memberCount: {min: 50}}, orderBy: {field: MEMBER_COUNT, direction: DESC}, first: 20) { totalCount nodes { name } } }"),
        ("facets", "query($q: String, $c: [String!], $e: [Ecosystem!]) { clusterFacets(filter: {query: $q, countries: $c, ecosystems: $e}) { countries { value count } ecosystems { value count } emergingIndustries { value count } kinds { value count } labels { value count } } }"),
        ("recommendations", "query($id: ID!) { recommendedPartners(clusterId: $id, first: 10) { totalCount edges { score node { name } } } }"),
    ];
    let mut results = Vec::new();
    for (name, query) in kinds {
        let mut times: Vec<(Duration, String)> = Vec::with_capacity(runs);
        let mut errors = 0;
        for i in 0..WARM_UP_RUNS + runs {
            let countries: Vec<&str> = COUNTRIES.choose_multiple(&mut rng, 2).copied().collect();
            let variables = json!({
                "q": WORDS.choose(&mut rng).copied().unwrap_or("aerospace"),
                "c": countries,
                "e": [ECOSYSTEMS.choose(&mut rng).copied().unwrap_or("DIGITAL")],
                "id": ids.get(i % ids.len().max(1)).map(|id| graphql::node::encode("Cluster", *id).to_string()),
            });
            let shown = variables.to_string();
            let request = async_graphql::Request::new(query).variables(async_graphql::Variables::from_json(variables));
            let (request, batches) = graphql::request_data(request, db, Caller::Anonymous);
            let started = Instant::now();
            let response = batches.run(schema.execute(request)).await;
            if i < WARM_UP_RUNS {
                continue;
            }
            times.push((started.elapsed(), shown));
            if !response.errors.is_empty() {
                errors += 1;
                if errors == 1 {
                    tracing::warn!(name, error = %response.errors[0].message, "benchmark query failed");
                }
            }
        }
        times.sort_by_key(|(t, _)| *t);
        let slowest = times.last().map(|(_, v)| v.clone()).unwrap_or_default();
        let times: Vec<Duration> = times.into_iter().map(|(t, _)| t).collect();
        results.push(Measurement {
            name,
            p50: percentile(&times, 50.0),
            p99: percentile(&times, 99.0),
            max: times.last().copied().unwrap_or_default(),
            errors,
            slowest,
        });
    }
    Ok(Report {
        measurements: results,
        partner_index_build,
        partner_index_size,
    })
}
