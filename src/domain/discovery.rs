//! Finding partners: the cluster list with filters, text search and ordering, facet counts for
//! filter UIs, and explained partner recommendations.

use std::collections::{HashMap, HashSet};

use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_partner_country, cluster_search, partnership,
    partnership_member,
    taxonomy::{
        ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, InvitationState, PartnershipKind,
        PartnershipStatus,
    },
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use super::{
    pagination::{keyset_page, slice, Keyset, Page, PageRequest, SortKey},
    policy::Visibility,
    search::{self, Hit},
    validation::{Checker, NAME_MAX},
};
use crate::error::{AppError, AppResult};

/// An inclusive range; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    pub min: Option<i32>,
    pub max: Option<i32>,
}

/// What a list of clusters is narrowed to. Within a field values are alternatives (OR); fields
/// combine with AND. An empty list or range means "no restriction".
#[derive(Debug, Clone, Default)]
pub struct ClusterFilter {
    pub query: Option<String>,
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub ecosystems: Vec<Ecosystem>,
    pub emerging_industries: Vec<EmergingIndustry>,
    pub kinds: Vec<ClusterKind>,
    pub labels: Vec<ClusterLabel>,
    pub statuses: Vec<ClusterStatus>,
    pub member_count: Range,
    pub founded_year: Range,
    /// Clusters with an ACTIVE partnership of one of these kinds (as an accepted member).
    pub active_partnership_kinds: Vec<PartnershipKind>,
    /// Clusters that say they seek partners in one of these countries.
    pub seeking_partners_in: Vec<String>,
}

/// The dimensions facet counts are given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Country,
    Ecosystem,
    EmergingIndustry,
    Kind,
    Label,
}

impl ClusterFilter {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.countries("filter.countries", &mut self.countries);
        check.countries("filter.seekingPartnersIn", &mut self.seeking_partners_in);
        check.optional_name("filter.query", &mut self.query, NAME_MAX);
        for (field, range) in [
            ("filter.memberCount", self.member_count),
            ("filter.foundedYear", self.founded_year),
        ] {
            if let (Some(min), Some(max)) = (range.min, range.max) {
                if min > max {
                    check.fail(field, "min must not exceed max");
                }
            }
        }
        self.regions = self
            .regions
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        check.finish()
    }

    /// The filter as SQL on `cluster`, leaving out one dimension (for its facet counts) and
    /// restricted to text-search hits when there are any.
    fn condition(&self, visibility: &Visibility, hits: Option<&[Hit]>, except: Option<Facet>) -> Condition {
        let mut cond = Condition::all().add(visibility.condition());
        if let Some(hits) = hits {
            cond = cond.add(cluster::Column::Id.is_in(hits.iter().map(|h| h.cluster_id)));
        }
        if !self.countries.is_empty() && except != Some(Facet::Country) {
            cond = cond.add(cluster::Column::Country.is_in(self.countries.clone()));
        }
        if !self.regions.is_empty() {
            cond = cond.add(cluster::Column::Region.is_in(self.regions.clone()));
        }
        if !self.kinds.is_empty() && except != Some(Facet::Kind) {
            cond = cond.add(cluster::Column::Kind.is_in(self.kinds.clone()));
        }
        if !self.labels.is_empty() && except != Some(Facet::Label) {
            cond = cond.add(cluster::Column::Label.is_in(self.labels.clone()));
        }
        if !self.statuses.is_empty() {
            cond = cond.add(cluster::Column::Status.is_in(self.statuses.clone()));
        }
        for (column, range) in [
            (cluster::Column::MembersTotal, self.member_count),
            (cluster::Column::FoundedYear, self.founded_year),
        ] {
            if let Some(min) = range.min {
                cond = cond.add(column.gte(min));
            }
            if let Some(max) = range.max {
                cond = cond.add(column.lte(max));
            }
        }
        if !self.ecosystems.is_empty() && except != Some(Facet::Ecosystem) {
            cond = cond.add(
                cluster::Column::Id.in_subquery(
                    Query::select()
                        .column(cluster_ecosystem::Column::ClusterId)
                        .from(cluster_ecosystem::Entity)
                        .and_where(cluster_ecosystem::Column::Ecosystem.is_in(self.ecosystems.clone()))
                        .to_owned(),
                ),
            );
        }
        if !self.emerging_industries.is_empty() && except != Some(Facet::EmergingIndustry) {
            cond = cond.add(
                cluster::Column::Id.in_subquery(
                    Query::select()
                        .column(cluster_emerging_industry::Column::ClusterId)
                        .from(cluster_emerging_industry::Entity)
                        .and_where(
                            cluster_emerging_industry::Column::EmergingIndustry.is_in(self.emerging_industries.clone()),
                        )
                        .to_owned(),
                ),
            );
        }
        if !self.seeking_partners_in.is_empty() {
            cond = cond.add(
                cluster::Column::Id.in_subquery(
                    Query::select()
                        .column(cluster_partner_country::Column::ClusterId)
                        .from(cluster_partner_country::Entity)
                        .and_where(cluster_partner_country::Column::Country.is_in(self.seeking_partners_in.clone()))
                        .to_owned(),
                ),
            );
        }
        if !self.active_partnership_kinds.is_empty() {
            cond = cond.add(
                cluster::Column::Id.in_subquery(
                    Query::select()
                        .column((partnership_member::Entity, partnership_member::Column::ClusterId))
                        .from(partnership_member::Entity)
                        .inner_join(
                            partnership::Entity,
                            Expr::col((partnership::Entity, partnership::Column::Id))
                                .equals((partnership_member::Entity, partnership_member::Column::PartnershipId)),
                        )
                        .and_where(partnership::Column::Status.eq(PartnershipStatus::Active))
                        .and_where(partnership::Column::Kind.is_in(self.active_partnership_kinds.clone()))
                        .and_where(partnership_member::Column::InvitationState.eq(InvitationState::Accepted))
                        .to_owned(),
                ),
            );
        }
        cond
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterOrderField {
    /// Best text match first; only with a `query` (the default then).
    Relevance,
    Name,
    CreatedAt,
    UpdatedAt,
    MemberCount,
}

pub fn keyset(field: ClusterOrderField, ascending: bool) -> Keyset<cluster::Entity> {
    type KeyOf = fn(&cluster::Model) -> (SortKey, Uuid);
    let (name, column, key_of): (&'static str, cluster::Column, KeyOf) = match field {
        ClusterOrderField::Name | ClusterOrderField::Relevance => {
            ("NAME", cluster::Column::Name, |m| (SortKey::Text(m.name.clone()), m.id))
        }
        ClusterOrderField::CreatedAt => ("CREATED_AT", cluster::Column::CreatedAt, |m| {
            (SortKey::Time(m.created_at), m.id)
        }),
        ClusterOrderField::UpdatedAt => ("UPDATED_AT", cluster::Column::UpdatedAt, |m| {
            (SortKey::Time(m.updated_at), m.id)
        }),
        ClusterOrderField::MemberCount => ("MEMBER_COUNT", cluster::Column::MembersTotal, |m| {
            (SortKey::Int(i64::from(m.members_total)), m.id)
        }),
    };
    Keyset {
        name,
        column,
        id: cluster::Column::Id,
        ascending,
        key_of,
    }
}

/// One page of the list, its total, and the text-search hits behind it (for highlights).
pub struct ClusterList {
    pub page: Page<cluster::Model>,
    pub total: u64,
    pub hits: Option<Vec<Hit>>,
}

#[derive(FromQueryResult)]
struct IdRow {
    id: Uuid,
}

/// The cluster list. With a text query, results are ranked by relevance unless another order is
/// asked for; relevance pages use offset cursors over the (at most [`search::MAX_HITS`]) hits.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    filter: &ClusterFilter,
    order: ClusterOrderField,
    ascending: bool,
    request: &PageRequest,
    want_total: bool,
) -> AppResult<ClusterList> {
    let window = request.window()?;
    let hits = match &filter.query {
        Some(q) => Some(search::hits(db, q).await?),
        None => None,
    };
    if order == ClusterOrderField::Relevance {
        let Some(hits) = hits else {
            return Err(AppError::bad_field("orderBy.field", "RELEVANCE needs a filter.query"));
        };
        let matching: HashSet<Uuid> = cluster::Entity::find()
            .select_only()
            .column(cluster::Column::Id)
            .filter(filter.condition(visibility, Some(&hits), None))
            .into_model::<IdRow>()
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let ranked: Vec<Uuid> = hits
            .iter()
            .map(|h| h.cluster_id)
            .filter(|id| matching.contains(id))
            .collect();
        let total = ranked.len() as u64;
        let page = slice(ranked, request)?;
        let ids: Vec<Uuid> = page.items.iter().map(|(_, id)| *id).collect();
        let mut models: HashMap<Uuid, cluster::Model> = cluster::Entity::find()
            .filter(cluster::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let page = Page {
            items: page
                .items
                .into_iter()
                .filter_map(|(c, id)| models.remove(&id).map(|m| (c, m)))
                .collect(),
            has_previous_page: page.has_previous_page,
            has_next_page: page.has_next_page,
        };
        return Ok(ClusterList {
            page,
            total,
            hits: Some(hits),
        });
    }
    let condition = filter.condition(visibility, hits.as_deref(), None);
    let page = keyset_page(
        db,
        cluster::Entity::find().filter(condition.clone()),
        &keyset(order, ascending),
        &window,
    )
    .await?;
    let total = if want_total {
        cluster::Entity::find().filter(condition).count(db).await?
    } else {
        0
    };
    Ok(ClusterList { page, total, hits })
}

/// Highlights for the clusters of a page: the matching extract of each one's search document.
pub async fn highlights<C: ConnectionTrait>(db: &C, query: &str, ids: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
    let documents = cluster_search::Entity::find()
        .filter(cluster_search::Column::ClusterId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(documents
        .into_iter()
        .filter_map(|d| Some((d.cluster_id, search::highlight(&d.document, query)?)))
        .collect())
}

/// A facet value and how many clusters have it under the other active filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub countries: Vec<FacetCount>,
    pub ecosystems: Vec<FacetCount>,
    pub emerging_industries: Vec<FacetCount>,
    pub kinds: Vec<FacetCount>,
    pub labels: Vec<FacetCount>,
}

#[derive(FromQueryResult)]
struct ValueCount {
    value: String,
    count: i64,
}

/// Counts for filter UIs: each value of each dimension with the number of clusters it would
/// give, under all the other active filters (the standard faceted-search rule). Values already
/// selected in a dimension are counted too, so the UI can show them with their numbers.
pub async fn facets<C: ConnectionTrait>(db: &C, visibility: &Visibility, filter: &ClusterFilter) -> AppResult<Facets> {
    let hits = match &filter.query {
        Some(q) => Some(search::hits(db, q).await?),
        None => None,
    };
    let hits = hits.as_deref();
    let on_cluster = |column: cluster::Column, facet: Facet| {
        let mut select = cluster::Entity::find()
            .select_only()
            .column_as(column, "value")
            .column_as(Expr::col((cluster::Entity, cluster::Column::Id)).count(), "count")
            .filter(filter.condition(visibility, hits, Some(facet)));
        QuerySelect::query(&mut select).add_group_by([Expr::col((cluster::Entity, column))]);
        select
    };
    let countries = on_cluster(cluster::Column::Country, Facet::Country)
        .into_model::<ValueCount>()
        .all(db)
        .await?;
    let kinds = on_cluster(cluster::Column::Kind, Facet::Kind)
        .into_model::<ValueCount>()
        .all(db)
        .await?;
    let labels = on_cluster(cluster::Column::Label, Facet::Label)
        .into_model::<ValueCount>()
        .all(db)
        .await?;
    let ecosystems = cluster_ecosystem::Entity::find()
        .select_only()
        .column_as(cluster_ecosystem::Column::Ecosystem, "value")
        .column_as(
            Expr::col((cluster_ecosystem::Entity, cluster_ecosystem::Column::ClusterId)).count(),
            "count",
        )
        .filter(
            cluster_ecosystem::Column::ClusterId.in_subquery(
                QuerySelect::query(
                    &mut cluster::Entity::find()
                        .select_only()
                        .column(cluster::Column::Id)
                        .filter(filter.condition(visibility, hits, Some(Facet::Ecosystem))),
                )
                .to_owned(),
            ),
        )
        .group_by(cluster_ecosystem::Column::Ecosystem)
        .into_model::<ValueCount>()
        .all(db)
        .await?;
    let emerging = cluster_emerging_industry::Entity::find()
        .select_only()
        .column_as(cluster_emerging_industry::Column::EmergingIndustry, "value")
        .column_as(
            Expr::col((
                cluster_emerging_industry::Entity,
                cluster_emerging_industry::Column::ClusterId,
            ))
            .count(),
            "count",
        )
        .filter(
            cluster_emerging_industry::Column::ClusterId.in_subquery(
                QuerySelect::query(
                    &mut cluster::Entity::find()
                        .select_only()
                        .column(cluster::Column::Id)
                        .filter(filter.condition(visibility, hits, Some(Facet::EmergingIndustry))),
                )
                .to_owned(),
            ),
        )
        .group_by(cluster_emerging_industry::Column::EmergingIndustry)
        .into_model::<ValueCount>()
        .all(db)
        .await?;
    let sorted = |rows: Vec<ValueCount>| {
        let mut counts: Vec<FacetCount> = rows
            .into_iter()
            .map(|r| FacetCount {
                value: r.value,
                count: u64::try_from(r.count).unwrap_or(0),
            })
            .collect();
        counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        counts
    };
    Ok(Facets {
        countries: sorted(countries),
        ecosystems: sorted(ecosystems),
        emerging_industries: sorted(emerging),
        kinds: sorted(kinds),
        labels: sorted(labels),
    })
}

/// One part of a recommendation's score, so people see why a partner is suggested.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub kind: &'static str,
    pub points: f64,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub cluster: cluster::Model,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Ecosystems whose value chains meet: a cluster of one often needs partners in the other.
const COMPLEMENTS: [(Ecosystem, Ecosystem); 10] = [
    (Ecosystem::Digital, Ecosystem::Electronics),
    (Ecosystem::Digital, Ecosystem::MobilityTransportAutomotive),
    (Ecosystem::Digital, Ecosystem::Health),
    (Ecosystem::AerospaceDefence, Ecosystem::Electronics),
    (Ecosystem::AerospaceDefence, Ecosystem::Digital),
    (Ecosystem::EnergyRenewables, Ecosystem::EnergyIntensive),
    (Ecosystem::EnergyRenewables, Ecosystem::Construction),
    (Ecosystem::AgriFood, Ecosystem::Retail),
    (Ecosystem::Textiles, Ecosystem::Retail),
    (Ecosystem::CulturalCreative, Ecosystem::Tourism),
];

fn complements(a: Ecosystem, b: Ecosystem) -> bool {
    COMPLEMENTS
        .iter()
        .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

/// Most candidates scored for one recommendation.
const MAX_CANDIDATES: u64 = 2000;

struct Traits {
    ecosystems: HashSet<Ecosystem>,
    technologies: HashSet<String>,
    seeks: HashSet<String>,
}

async fn traits<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Traits>> {
    let mut map: HashMap<Uuid, Traits> = ids
        .iter()
        .map(|&id| {
            (
                id,
                Traits {
                    ecosystems: HashSet::new(),
                    technologies: HashSet::new(),
                    seeks: HashSet::new(),
                },
            )
        })
        .collect();
    for row in cluster_ecosystem::Entity::find()
        .filter(cluster_ecosystem::Column::ClusterId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(t) = map.get_mut(&row.cluster_id) {
            t.ecosystems.insert(row.ecosystem);
        }
    }
    for row in entity::cluster_technology::Entity::find()
        .filter(entity::cluster_technology::Column::ClusterId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(t) = map.get_mut(&row.cluster_id) {
            t.technologies.insert(row.keyword.to_lowercase());
        }
    }
    for row in cluster_partner_country::Entity::find()
        .filter(cluster_partner_country::Column::ClusterId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(t) = map.get_mut(&row.cluster_id) {
            t.seeks.insert(row.country);
        }
    }
    Ok(map)
}

/// Scores published clusters as partners for `source`:
/// - 3 points per shared ecosystem, 1 per complementary pair (value chains that meet);
/// - 2 per shared technology keyword (at most 5 counted);
/// - 3 when the candidate is in a country the source seeks partners in, 2 the other way round;
/// - 2 for a partner abroad (cross-border cooperation is the platform's point);
/// - 1.5 / 1 / 0.5 for a GOLD / SILVER / BRONZE label, 0.5 for a complete profile.
///
/// Clusters already in a partnership with the source are left out.
pub async fn recommend<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    source_id: Uuid,
) -> AppResult<Vec<Recommendation>> {
    let source = cluster::Entity::find_by_id(source_id)
        .filter(visibility.condition())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("clusterId: cluster".into()))?;
    let source_traits = traits(db, &[source_id])
        .await?
        .remove(&source_id)
        .ok_or(AppError::Internal)?;
    let partnered: HashSet<Uuid> = {
        let mine: Vec<Uuid> = partnership_member::Entity::find()
            .filter(partnership_member::Column::ClusterId.eq(source_id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.partnership_id)
            .collect();
        partnership_member::Entity::find()
            .filter(partnership_member::Column::PartnershipId.is_in(mine))
            .filter(partnership_member::Column::InvitationState.ne(InvitationState::Declined))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.cluster_id)
            .collect()
    };
    let mut related = Condition::any();
    // Candidates share an ecosystem, or work in one that complements the source's.
    let neighbours: HashSet<Ecosystem> = COMPLEMENTS
        .iter()
        .flat_map(|&(a, b)| [(a, b), (b, a)])
        .filter(|(mine, _)| source_traits.ecosystems.contains(mine))
        .map(|(_, theirs)| theirs)
        .chain(source_traits.ecosystems.iter().copied())
        .collect();
    if !neighbours.is_empty() {
        related = related.add(
            cluster::Column::Id.in_subquery(
                Query::select()
                    .column(cluster_ecosystem::Column::ClusterId)
                    .from(cluster_ecosystem::Entity)
                    .and_where(cluster_ecosystem::Column::Ecosystem.is_in(neighbours))
                    .to_owned(),
            ),
        );
    }
    if !source_traits.technologies.is_empty() {
        related = related.add(
            cluster::Column::Id.in_subquery(
                Query::select()
                    .column(entity::cluster_technology::Column::ClusterId)
                    .from(entity::cluster_technology::Entity)
                    .and_where(
                        Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                            entity::cluster_technology::Column::Keyword,
                        )))
                        .is_in(source_traits.technologies.iter().cloned()),
                    )
                    .to_owned(),
            ),
        );
    }
    if !source_traits.seeks.is_empty() {
        related = related.add(cluster::Column::Country.is_in(source_traits.seeks.iter().cloned()));
    }
    if related.is_empty() {
        return Ok(Vec::new());
    }
    let candidates = cluster::Entity::find()
        .filter(cluster::Column::Status.eq(ClusterStatus::Published))
        .filter(cluster::Column::Id.ne(source_id))
        .filter(related)
        .limit(MAX_CANDIDATES)
        .all(db)
        .await?;
    let candidates: Vec<cluster::Model> = candidates.into_iter().filter(|c| !partnered.contains(&c.id)).collect();
    let ids: Vec<Uuid> = candidates.iter().map(|c| c.id).collect();
    let mut all_traits = traits(db, &ids).await?;
    let mut scored: Vec<Recommendation> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let t = all_traits.remove(&candidate.id)?;
            let mut reasons = Vec::new();
            let mut shared: Vec<Ecosystem> = t.ecosystems.intersection(&source_traits.ecosystems).copied().collect();
            shared.sort();
            if !shared.is_empty() {
                let names: Vec<String> = shared.iter().map(|e| e.to_value()).collect();
                reasons.push(Reason {
                    kind: "SHARED_ECOSYSTEMS",
                    points: 3.0 * shared.len() as f64,
                    detail: names.join(", "),
                });
            }
            let mut pairs: Vec<String> = Vec::new();
            for &mine in &source_traits.ecosystems {
                for &theirs in t.ecosystems.difference(&source_traits.ecosystems) {
                    if complements(mine, theirs) {
                        pairs.push(format!("{}+{}", mine.to_value(), theirs.to_value()));
                    }
                }
            }
            pairs.sort();
            if !pairs.is_empty() {
                reasons.push(Reason {
                    kind: "COMPLEMENTARY_ECOSYSTEMS",
                    points: pairs.len() as f64,
                    detail: pairs.join(", "),
                });
            }
            let mut techs: Vec<&String> = t.technologies.intersection(&source_traits.technologies).collect();
            techs.sort();
            if !techs.is_empty() {
                let counted = techs.len().min(5);
                let names: Vec<&str> = techs.iter().map(|s| s.as_str()).collect();
                reasons.push(Reason {
                    kind: "SHARED_TECHNOLOGIES",
                    points: 2.0 * counted as f64,
                    detail: names.join(", "),
                });
            }
            if source_traits.seeks.contains(&candidate.country) {
                reasons.push(Reason {
                    kind: "TARGET_MARKET",
                    points: 3.0,
                    detail: format!("you seek partners in {}", candidate.country),
                });
            }
            if t.seeks.contains(&source.country) {
                reasons.push(Reason {
                    kind: "SEEKS_YOUR_COUNTRY",
                    points: 2.0,
                    detail: format!("they seek partners in {}", source.country),
                });
            }
            if candidate.country != source.country {
                reasons.push(Reason {
                    kind: "INTERNATIONAL",
                    points: 2.0,
                    detail: format!("{} – {}", source.country, candidate.country),
                });
            }
            let label = match candidate.label {
                ClusterLabel::Gold => 1.5,
                ClusterLabel::Silver => 1.0,
                ClusterLabel::Bronze => 0.5,
                ClusterLabel::None => 0.0,
            };
            if label > 0.0 {
                reasons.push(Reason {
                    kind: "LABEL",
                    points: label,
                    detail: candidate.label.to_value(),
                });
            }
            if candidate.website.is_some() && candidate.description.is_some() {
                reasons.push(Reason {
                    kind: "COMPLETE_PROFILE",
                    points: 0.5,
                    detail: "website and description".into(),
                });
            }
            let score: f64 = reasons.iter().map(|r| r.points).sum();
            // A partner needs something in common, not only a label or a country.
            let relevant = reasons.iter().any(|r| {
                matches!(
                    r.kind,
                    "SHARED_ECOSYSTEMS" | "COMPLEMENTARY_ECOSYSTEMS" | "SHARED_TECHNOLOGIES" | "TARGET_MARKET"
                )
            });
            relevant.then_some(Recommendation {
                cluster: candidate,
                score,
                reasons,
            })
        })
        .collect();
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.cluster.name.cmp(&b.cluster.name))
    });
    Ok(scored)
}
