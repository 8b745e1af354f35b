//! The partner index: the published clusters' scoring data, compact and in memory, rebuilt
//! whenever the directory revision moves.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, RwLock},
};

use entity::{
    cluster, cluster_ecosystem, cluster_target_country, cluster_technology,
    taxonomy::{ClusterLabel, ClusterStatus, Ecosystem},
};
use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, Iterable, QueryFilter, QuerySelect, Statement,
};
use uuid::Uuid;

use super::Traits;
use crate::error::{AppError, AppResult};

/// A published cluster as the scoring sees it.
pub(super) struct Candidate {
    pub(super) id: Uuid,
    pub(super) name: String,
    pub(super) country: String,
    pub(super) label: ClusterLabel,
    /// Website and description given.
    pub(super) complete: bool,
    /// Bit `i` set for the `i`-th [`Ecosystem`].
    pub(super) ecosystems: u32,
    /// Lower-cased keywords, as indexes into [`Snapshot::technologies`].
    pub(super) technologies: Box<[u32]>,
    pub(super) target_countries: Box<[String]>,
}

/// The partner index at one directory revision.
pub(super) struct Snapshot {
    pub(super) revision: i64,
    pub(super) candidates: Vec<Candidate>,
    /// Every lower-cased technology keyword, once.
    pub(super) technologies: Vec<String>,
    pub(super) technology_ids: HashMap<String, u32>,
}

pub(super) fn ecosystem_bit(e: Ecosystem) -> u32 {
    Ecosystem::iter().position(|x| x == e).map_or(0, |i| 1 << i)
}

fn ecosystems_of(mask: u32) -> HashSet<Ecosystem> {
    Ecosystem::iter().filter(|&e| mask & ecosystem_bit(e) != 0).collect()
}

impl Snapshot {
    pub(super) fn traits(&self, candidate: &Candidate) -> Traits {
        Traits {
            ecosystems: ecosystems_of(candidate.ecosystems),
            technologies: candidate
                .technologies
                .iter()
                .filter_map(|&t| self.technologies.get(t as usize).cloned())
                .collect(),
            target_countries: candidate.target_countries.iter().cloned().collect(),
        }
    }
}

/// The published clusters' scoring data, shared by every request of a process.
#[derive(Default)]
pub struct PartnerIndex {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// One rebuild at a time; requests that find the index stale wait for it.
    rebuilding: tokio::sync::Mutex<()>,
}

impl PartnerIndex {
    fn cached(&self) -> Option<Arc<Snapshot>> {
        self.current.read().ok().and_then(|s| s.clone())
    }

    /// The index at the database's current revision, rebuilt first if the directory changed.
    pub(super) async fn snapshot<C: ConnectionTrait>(&self, db: &C) -> AppResult<Arc<Snapshot>> {
        let revision = revision(db).await?;
        if let Some(s) = self.cached().filter(|s| s.revision == revision) {
            return Ok(s);
        }
        let _one_at_a_time = self.rebuilding.lock().await;
        // Equal, not at least: a database restored from a backup counts backwards.
        if let Some(s) = self.cached().filter(|s| s.revision == revision) {
            return Ok(s);
        }
        Ok(self.install(load(db).await?))
    }

    fn install(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let snapshot = Arc::new(snapshot);
        if let Ok(mut current) = self.current.write() {
            *current = Some(snapshot.clone());
        }
        snapshot
    }

    /// Builds the index now (the benchmark times this; servers build it on first use).
    pub async fn rebuild<C: ConnectionTrait>(&self, db: &C) -> AppResult<usize> {
        Ok(self.install(load(db).await?).candidates.len())
    }
}

async fn revision<C: ConnectionTrait>(db: &C) -> AppResult<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT revision FROM directory_revision WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| {
            AppError::internal("directory_revision has no row 1; the migration directory_revision writes it")
        })?;
    Ok(row.try_get::<i64>("", "revision")?)
}

/// Reads the index. The revision is read first: a change committed while loading makes the
/// index look older than it is, so the next request rebuilds it again rather than missing it.
async fn load<C: ConnectionTrait>(db: &C) -> AppResult<Snapshot> {
    let revision = revision(db).await?;
    let rows: Vec<(Uuid, String, String, ClusterLabel, bool)> = cluster::Entity::find()
        .select_only()
        .column(cluster::Column::Id)
        .column(cluster::Column::Name)
        .column(cluster::Column::Country)
        .column(cluster::Column::Label)
        .expr(Expr::cust("website IS NOT NULL AND description IS NOT NULL"))
        .filter(cluster::Column::Status.eq(ClusterStatus::Published))
        .into_tuple()
        .all(db)
        .await?;
    let mut candidates: Vec<Candidate> = rows
        .into_iter()
        .map(|(id, name, country, label, complete)| Candidate {
            id,
            name,
            country,
            label,
            complete,
            ecosystems: 0,
            technologies: Box::default(),
            target_countries: Box::default(),
        })
        .collect();
    let position: HashMap<Uuid, usize> = candidates.iter().enumerate().map(|(i, c)| (c.id, i)).collect();

    let ecosystems: Vec<(Uuid, Ecosystem)> = cluster_ecosystem::Entity::find()
        .select_only()
        .column(cluster_ecosystem::Column::ClusterId)
        .column(cluster_ecosystem::Column::Ecosystem)
        .into_tuple()
        .all(db)
        .await?;
    for (id, e) in ecosystems {
        if let Some(&i) = position.get(&id) {
            candidates[i].ecosystems |= ecosystem_bit(e);
        }
    }

    let keywords: Vec<(Uuid, String)> = cluster_technology::Entity::find()
        .select_only()
        .column(cluster_technology::Column::ClusterId)
        .column(cluster_technology::Column::Keyword)
        .into_tuple()
        .all(db)
        .await?;
    let mut technologies: Vec<String> = Vec::new();
    let mut technology_ids: HashMap<String, u32> = HashMap::new();
    let mut per_cluster: HashMap<usize, Vec<u32>> = HashMap::new();
    for (id, keyword) in keywords {
        let Some(&i) = position.get(&id) else { continue };
        let keyword = keyword.to_lowercase();
        let next = technologies.len() as u32;
        let t = *technology_ids.entry(keyword.clone()).or_insert_with(|| {
            technologies.push(keyword);
            next
        });
        per_cluster.entry(i).or_default().push(t);
    }
    for (i, mut ids) in per_cluster {
        ids.sort_unstable();
        ids.dedup();
        candidates[i].technologies = ids.into_boxed_slice();
    }

    let target_countries: Vec<(Uuid, String)> = cluster_target_country::Entity::find()
        .select_only()
        .column(cluster_target_country::Column::ClusterId)
        .column(cluster_target_country::Column::Country)
        .into_tuple()
        .all(db)
        .await?;
    let mut per_cluster: HashMap<usize, Vec<String>> = HashMap::new();
    for (id, country) in target_countries {
        if let Some(&i) = position.get(&id) {
            per_cluster.entry(i).or_default().push(country);
        }
    }
    for (i, countries) in per_cluster {
        candidates[i].target_countries = countries.into_boxed_slice();
    }
    Ok(Snapshot {
        revision,
        candidates,
        technologies,
        technology_ids,
    })
}
