//! Discovery in GraphQL: the filtered, searchable cluster list, facet counts and explained
//! partner recommendations.

use std::collections::HashMap;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use uuid::Uuid;

use super::{
    cluster::{Cluster, TYPE_NAME as CLUSTER},
    connection::{parts, wants_total_count, ClusterConnection, Connection, PageInfo},
    context::{db, partner_index, visibility},
    enums::{
        to_entity, ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, OrderDirection,
        PartnershipKind,
    },
    node,
};
use crate::{
    domain::{
        discovery::{self as domain, ClusterFilter as DomainFilter, ClusterOrderField as DomainOrder, Range},
        pagination::{Page, PageRequest},
        recommendation,
    },
    error::AppResult,
};

/// A range of whole numbers; either end may be left out.
#[derive(InputObject, Default, Clone, Copy)]
pub struct IntRange {
    /// Lowest value, inclusive.
    pub min: Option<i32>,
    /// Highest value, inclusive.
    pub max: Option<i32>,
}

impl From<Option<IntRange>> for Range {
    fn from(r: Option<IntRange>) -> Self {
        r.map(|r| Range { min: r.min, max: r.max }).unwrap_or_default()
    }
}

/// Narrows a cluster list. Values within a field are alternatives (OR); fields combine (AND).
#[derive(InputObject, Default)]
pub struct ClusterFilter {
    /// Words to find in names (any language), acronym, description, technologies and member
    /// names; a typo is forgiven. Results are then ranked by relevance unless `orderBy` says otherwise.
    pub query: Option<String>,
    /// ISO 3166-1 alpha-2 codes.
    pub countries: Option<Vec<String>>,
    /// Regions, as the clusters name them.
    pub regions: Option<Vec<String>>,
    /// Clusters in one of these EU industrial ecosystems.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// Clusters in one of these emerging industries.
    pub emerging_industries: Option<Vec<EmergingIndustry>>,
    /// Clusters of one of these kinds.
    pub kinds: Option<Vec<ClusterKind>>,
    /// Clusters holding one of these labels.
    pub labels: Option<Vec<ClusterLabel>>,
    /// Total members, inclusive.
    pub member_count: Option<IntRange>,
    /// Year founded, inclusive.
    pub founded_year: Option<IntRange>,
    /// Clusters in an ACTIVE partnership of one of these kinds.
    pub has_active_partnership_of_kind: Option<Vec<PartnershipKind>>,
    /// Clusters with one of these among their target countries (where they seek partners).
    pub target_countries: Option<Vec<String>>,
    /// Profiles that are not published are listed only for those allowed to see them.
    pub statuses: Option<Vec<ClusterStatus>>,
    /// Only records changed (their `updatedAt`) at or after this moment: a cheap poll for
    /// what changed since the last look (the change feeds also report deletions).
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl ClusterFilter {
    fn into_domain(self) -> AppResult<DomainFilter> {
        let mut filter = DomainFilter {
            query: self.query,
            countries: self.countries.unwrap_or_default(),
            regions: self.regions.unwrap_or_default(),
            ecosystems: to_entity(self.ecosystems),
            emerging_industries: to_entity(self.emerging_industries),
            kinds: to_entity(self.kinds),
            labels: to_entity(self.labels),
            statuses: to_entity(self.statuses),
            member_count: self.member_count.into(),
            founded_year: self.founded_year.into(),
            active_partnership_kinds: to_entity(self.has_active_partnership_of_kind),
            target_countries: self.target_countries.unwrap_or_default(),
            updated_since: self.updated_since,
        };
        filter.validate()?;
        Ok(filter)
    }
}

/// What to order clusters by.
#[derive(Enum, Copy, Clone, PartialEq, Eq)]
pub enum ClusterOrderField {
    /// Best text match first (needs `filter.query`; the default with one).
    Relevance,
    /// Name, A to Z when ascending.
    Name,
    /// When the profile was registered.
    CreatedAt,
    /// When the profile last changed.
    UpdatedAt,
    /// Total members.
    MemberCount,
}

/// How to order clusters.
#[derive(InputObject)]
pub struct ClusterOrder {
    /// What to order by.
    pub field: ClusterOrderField,
    /// Ascending (the default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// One value of a facet with the number of clusters that have it.
#[derive(SimpleObject, Clone)]
pub struct FacetValue {
    /// The value, as the filter takes it: a country code or an enum value's name.
    pub value: String,
    /// Clusters with this value under the other active filters.
    pub count: u64,
}

/// Counts for filter UIs: each value with the number of clusters it gives under the other
/// active filters.
#[derive(SimpleObject)]
pub struct ClusterFacets {
    /// By ISO 3166-1 alpha-2 country code.
    pub countries: Vec<FacetValue>,
    /// By EU industrial ecosystem.
    pub ecosystems: Vec<FacetValue>,
    /// By emerging industry.
    pub emerging_industries: Vec<FacetValue>,
    /// By kind of organisation.
    pub kinds: Vec<FacetValue>,
    /// By cluster management label.
    pub labels: Vec<FacetValue>,
}

fn values(counts: Vec<domain::FacetCount>) -> Vec<FacetValue> {
    counts
        .into_iter()
        .map(|c| FacetValue {
            value: c.value,
            count: c.count,
        })
        .collect()
}

/// What a part of a recommendation's score is for.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::recommendation::RecommendationReasonKind")]
pub enum RecommendationReasonKind {
    /// Ecosystems both clusters work in: 3 points each.
    SharedEcosystems,
    /// Ecosystems whose value chains meet (e.g. AEROSPACE_DEFENCE and ELECTRONICS): 1 point per pair.
    ComplementaryEcosystems,
    /// Technology keywords both clusters name: 2 points each, at most 5 counted.
    SharedTechnologies,
    /// The candidate is in one of your target countries: 3 points.
    TargetCountry,
    /// Your country is one of the candidate's target countries: 2 points.
    TargetsYourCountry,
    /// A partner abroad: 2 points.
    International,
    /// The candidate's cluster management label: 1.5 for GOLD, 1 for SILVER, 0.5 for BRONZE.
    Label,
    /// The candidate's profile has a website and a description: 0.5 points.
    CompleteProfile,
}

/// One part of a recommendation's score.
#[derive(SimpleObject, Clone)]
pub struct RecommendationReason {
    /// What the part is for.
    pub kind: RecommendationReasonKind,
    /// What this reason adds to the score.
    pub points: f64,
    /// The particulars, e.g. the shared ecosystems, or "you seek partners in TW".
    pub detail: String,
}

impl From<recommendation::Reason> for RecommendationReason {
    fn from(x: recommendation::Reason) -> Self {
        RecommendationReason {
            kind: x.kind.into(),
            points: x.points,
            detail: x.detail,
        }
    }
}

/// A recommended cluster with the reasons for it.
#[derive(SimpleObject)]
pub struct RecommendedPartnerEdge {
    /// Where to continue from with `after` or `before`.
    pub cursor: String,
    /// The recommended cluster.
    pub node: Cluster,
    /// The sum of the reasons' points.
    pub score: f64,
    /// The parts of the score.
    pub reasons: Vec<RecommendationReason>,
}

/// A page of recommended partners, best first.
#[derive(SimpleObject)]
pub struct RecommendedPartnerConnection {
    /// The recommended clusters of this page, with their reasons.
    pub edges: Vec<RecommendedPartnerEdge>,
    /// The clusters of `edges`, for clients that need no cursors or reasons.
    pub nodes: Vec<Cluster>,
    /// Where this page lies in the whole list.
    pub page_info: PageInfo,
    /// How many clusters are recommended in all.
    pub total_count: u64,
}

impl Connection for RecommendedPartnerConnection {
    type Item = recommendation::Recommendation;

    fn new(page: Page<Self::Item>, total_count: u64) -> Self {
        let (edges, nodes, page_info) = parts(
            page,
            |r| Cluster(r.cluster.clone()),
            |cursor, r| RecommendedPartnerEdge {
                cursor,
                node: Cluster(r.cluster),
                score: r.score,
                reasons: r.reasons.into_iter().map(Into::into).collect(),
            },
        );
        Self {
            edges,
            nodes,
            page_info,
            total_count,
        }
    }
}

#[derive(Default)]
pub struct DiscoveryQuery;

#[Object]
impl DiscoveryQuery {
    /// Cluster profiles, filtered, searched and ordered (by relevance with a `query`, else by name).
    #[allow(clippy::too_many_arguments)]
    async fn clusters(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the clusters that match; all visible ones when left out.")] filter: Option<
            ClusterFilter,
        >,
        #[graphql(desc = "The order; by relevance with `filter.query`, else by name.")] order_by: Option<ClusterOrder>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<ClusterConnection> {
        let request = PageRequest::new(first, after, last, before);
        let filter = filter.unwrap_or_default().into_domain()?;
        let (field, ascending) = match order_by {
            None if filter.query.is_some() => (DomainOrder::Relevance, false),
            None => (DomainOrder::Name, true),
            Some(o) => (
                match o.field {
                    ClusterOrderField::Relevance => DomainOrder::Relevance,
                    ClusterOrderField::Name => DomainOrder::Name,
                    ClusterOrderField::CreatedAt => DomainOrder::CreatedAt,
                    ClusterOrderField::UpdatedAt => DomainOrder::UpdatedAt,
                    ClusterOrderField::MemberCount => DomainOrder::MemberCount,
                },
                o.direction == OrderDirection::Asc,
            ),
        };
        let want_total = wants_total_count(ctx);
        let db = db(ctx);
        let list = domain::list(db, &visibility(ctx), &filter, field, ascending, &request, want_total).await?;
        let highlights = match &filter.query {
            Some(query) if ctx.look_ahead().field("edges").field("highlight").exists() => {
                let ids: Vec<Uuid> = list.page.items.iter().map(|(_, m)| m.id).collect();
                domain::highlights(db, query, &ids).await?
            }
            _ => HashMap::new(),
        };
        Ok(ClusterConnection::new(list.page.map(Cluster), list.total).with_highlights(highlights))
    }

    /// Published clusters that would suit `clusterId` as partners, best first, each with the
    /// parts of its score.
    async fn recommended_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster to find partners for: its global ID.")] cluster_id: ID,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<RecommendedPartnerConnection> {
        let request = PageRequest::new(first, after, last, before);
        let id = node::decode("clusterId", &cluster_id, CLUSTER)?;
        let found = recommendation::recommend(db(ctx), partner_index(ctx), &visibility(ctx), id, &request).await?;
        Ok(RecommendedPartnerConnection::new(found.page, found.total))
    }

    /// Facet counts for the same filter as `clusters`.
    async fn cluster_facets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The filter of `clusters`; each facet leaves out its own field.")] filter: Option<
            ClusterFilter,
        >,
    ) -> AppResult<ClusterFacets> {
        let filter = filter.unwrap_or_default().into_domain()?;
        let facets = domain::facets(db(ctx), &visibility(ctx), &filter).await?;
        Ok(ClusterFacets {
            countries: values(facets.countries),
            ecosystems: values(facets.ecosystems),
            emerging_industries: values(facets.emerging_industries),
            kinds: values(facets.kinds),
            labels: values(facets.labels),
        })
    }
}
