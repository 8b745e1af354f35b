//! A cluster's lists: its ecosystems, emerging industries, technology keywords and its target
//! countries (where it seeks partners), one join table each. Read here for any number of clusters at once (one
//! statement per list), by the profile, the recommendations, the search document and the
//! GraphQL loaders alike.

use std::collections::HashMap;

use entity::{
    cluster_ecosystem, cluster_emerging_industry, cluster_target_country, cluster_technology,
    taxonomy::{Ecosystem, EmergingIndustry},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::AppResult;

/// A join table that holds one of a cluster's lists, a value a row.
pub trait ListTable: EntityTrait {
    type Value;
    const CLUSTER_ID: Self::Column;
    /// The value's column, which also orders the list.
    const VALUE: Self::Column;

    fn split(row: Self::Model) -> (Uuid, Self::Value);
    fn row(cluster_id: Uuid, value: Self::Value) -> Self::ActiveModel;
}

impl ListTable for cluster_ecosystem::Entity {
    type Value = Ecosystem;
    const CLUSTER_ID: cluster_ecosystem::Column = cluster_ecosystem::Column::ClusterId;
    const VALUE: cluster_ecosystem::Column = cluster_ecosystem::Column::Ecosystem;

    fn split(row: cluster_ecosystem::Model) -> (Uuid, Ecosystem) {
        (row.cluster_id, row.ecosystem)
    }

    fn row(cluster_id: Uuid, ecosystem: Ecosystem) -> cluster_ecosystem::ActiveModel {
        cluster_ecosystem::ActiveModel {
            cluster_id: Set(cluster_id),
            ecosystem: Set(ecosystem),
        }
    }
}

impl ListTable for cluster_emerging_industry::Entity {
    type Value = EmergingIndustry;
    const CLUSTER_ID: cluster_emerging_industry::Column = cluster_emerging_industry::Column::ClusterId;
    const VALUE: cluster_emerging_industry::Column = cluster_emerging_industry::Column::EmergingIndustry;

    fn split(row: cluster_emerging_industry::Model) -> (Uuid, EmergingIndustry) {
        (row.cluster_id, row.emerging_industry)
    }

    fn row(cluster_id: Uuid, emerging_industry: EmergingIndustry) -> cluster_emerging_industry::ActiveModel {
        cluster_emerging_industry::ActiveModel {
            cluster_id: Set(cluster_id),
            emerging_industry: Set(emerging_industry),
        }
    }
}

impl ListTable for cluster_technology::Entity {
    type Value = String;
    const CLUSTER_ID: cluster_technology::Column = cluster_technology::Column::ClusterId;
    const VALUE: cluster_technology::Column = cluster_technology::Column::Keyword;

    fn split(row: cluster_technology::Model) -> (Uuid, String) {
        (row.cluster_id, row.keyword)
    }

    fn row(cluster_id: Uuid, keyword: String) -> cluster_technology::ActiveModel {
        cluster_technology::ActiveModel {
            cluster_id: Set(cluster_id),
            keyword: Set(keyword),
        }
    }
}

impl ListTable for cluster_target_country::Entity {
    type Value = String;
    const CLUSTER_ID: cluster_target_country::Column = cluster_target_country::Column::ClusterId;
    const VALUE: cluster_target_country::Column = cluster_target_country::Column::Country;

    fn split(row: cluster_target_country::Model) -> (Uuid, String) {
        (row.cluster_id, row.country)
    }

    fn row(cluster_id: Uuid, country: String) -> cluster_target_country::ActiveModel {
        cluster_target_country::ActiveModel {
            cluster_id: Set(cluster_id),
            country: Set(country),
        }
    }
}

/// The list in `T` of each cluster in `ids`, ordered by value; a cluster with an empty list has
/// no entry.
pub async fn read<T: ListTable, C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<T::Value>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = T::find()
        .filter(T::CLUSTER_ID.is_in(ids.iter().copied()))
        .order_by_asc(T::VALUE)
        .all(db)
        .await?;
    let mut lists: HashMap<Uuid, Vec<T::Value>> = HashMap::new();
    for row in rows {
        let (id, value) = T::split(row);
        lists.entry(id).or_default().push(value);
    }
    Ok(lists)
}

/// The list in `T` of one cluster, ordered by value.
pub async fn read_one<T: ListTable, C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<Vec<T::Value>> {
    Ok(read::<T, C>(db, &[id]).await?.remove(&id).unwrap_or_default())
}

/// All four lists of a cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterLists {
    pub ecosystems: Vec<Ecosystem>,
    pub emerging_industries: Vec<EmergingIndustry>,
    pub technologies: Vec<String>,
    pub target_countries: Vec<String>,
}

/// All four lists of one cluster (four statements).
pub async fn read_all<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<ClusterLists> {
    Ok(ClusterLists {
        ecosystems: read_one::<cluster_ecosystem::Entity, C>(db, id).await?,
        emerging_industries: read_one::<cluster_emerging_industry::Entity, C>(db, id).await?,
        technologies: read_one::<cluster_technology::Entity, C>(db, id).await?,
        target_countries: read_one::<cluster_target_country::Entity, C>(db, id).await?,
    })
}

/// Replaces a cluster's list in `T` with `values`.
pub(super) async fn replace<T: ListTable, C: ConnectionTrait>(
    db: &C,
    cluster_id: Uuid,
    values: impl IntoIterator<Item = T::Value>,
) -> AppResult<()> {
    crate::domain::child_rows::replace::<T, C>(
        db,
        T::CLUSTER_ID,
        cluster_id,
        values.into_iter().map(|v| T::row(cluster_id, v)),
    )
    .await
}

/// Writes the lists in `T` of clusters that have none yet (just inserted), in multi-row INSERTs.
pub(super) async fn insert_new<T, C>(db: &C, lists: impl IntoIterator<Item = (Uuid, Vec<T::Value>)>) -> AppResult<()>
where
    T: ListTable,
    T::ActiveModel: Send,
    C: ConnectionTrait,
{
    let rows: Vec<T::ActiveModel> = lists
        .into_iter()
        .flat_map(|(id, values)| values.into_iter().map(move |v| T::row(id, v)))
        .collect();
    crate::domain::bulk::insert_chunks(db, rows).await
}
