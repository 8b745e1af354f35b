//! Posts in GraphQL (issue 16): the `Post` type, the feed with its filter, upcoming events and
//! open calls, and the writes (in `mutations`).

pub mod live;
mod mutations;
mod object;
mod translations;

use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};

pub use self::{
    mutations::PostMutation,
    object::{Post, PostKind, PostStatus},
    translations::PostTranslationMutation,
};
use crate::{
    domain::{
        locale::Preference,
        pagination::PageRequest,
        policy::PostVisibility,
        post::{self as domain, PostFilter},
    },
    error::AppResult,
    graphql::{
        cluster::TYPE_NAME as CLUSTER,
        connection::{total_count_if_selected, wants_total_count, Connection, PostConnection},
        context::{caller, db, loaders},
        enums::{to_entity, Ecosystem},
        loaders as l, node,
    },
};

pub const TYPE_NAME: &str = "Post";

/// Narrows the feed of posts. Values within a field are alternatives (OR); fields combine (AND).
#[derive(InputObject, Default)]
pub struct PostFilterInput {
    /// Posts of one of these kinds.
    pub kinds: Option<Vec<PostKind>>,
    /// Posts about one of these ecosystems.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// Posts about one of these countries (ISO 3166-1 alpha-2), or by a cluster in one of them.
    pub countries: Option<Vec<String>>,
    /// Posts of this cluster (its global ID).
    pub cluster_id: Option<ID>,
    /// Posts published at or after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Posts published at or before this moment.
    pub to: Option<DateTime<Utc>>,
    /// Words (at most 8, 200 characters in all) that must all be found in the title, summary,
    /// body, place, funding or eligibility, as parts of words in any script: `innov` finds "innovation", `創新` finds
    /// "歐盟創新週".
    pub query: Option<String>,
}

impl PostFilterInput {
    /// The domain's filter for `filter` (none: every post), checked.
    pub fn checked(filter: Option<Self>) -> AppResult<PostFilter> {
        let filter = filter.unwrap_or_default();
        let mut filter = PostFilter {
            kinds: to_entity(filter.kinds),
            ecosystems: to_entity(filter.ecosystems),
            countries: filter.countries.unwrap_or_default(),
            cluster_id: filter
                .cluster_id
                .map(|id| node::decode("filter.clusterId", &id, CLUSTER))
                .transpose()?,
            from: filter.from,
            to: filter.to,
            query: filter.query,
        };
        filter.validate()?;
        Ok(filter)
    }
}

#[derive(Default)]
pub struct PostQuery;

#[Object]
impl PostQuery {
    /// A post by its global ID; null when it does not exist or you may not see it (a DRAFT or
    /// UNPUBLISHED post is for its author and its cluster's editors).
    async fn post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post's global ID.")] id: ID,
        #[graphql(
            desc = "The language (BCP 47 tag) to answer in, over the `Accept-Language` header; the texts fall back to the primary language."
        )]
        locale: Option<String>,
    ) -> AppResult<Option<Post>> {
        let locale = Preference::from_argument("locale", locale.as_deref())?;
        let id = node::decode("id", &id, TYPE_NAME)?;
        Ok(loaders(ctx)
            .load_one(l::PostById(id))
            .await?
            .map(|m| Post::in_locale(m, &locale)))
    }

    /// Published posts of the clusters you may see, newest published first.
    // The arguments are the connection's four, its filter and the language: one per concern.
    #[allow(clippy::too_many_arguments)]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the posts that match.")] filter: Option<PostFilterInput>,
        #[graphql(
            desc = "The language (BCP 47 tag) to answer in, over the `Accept-Language` header; the texts fall back to the primary language."
        )]
        locale: Option<String>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<PostConnection> {
        let locale = Preference::from_argument("locale", locale.as_deref())?;
        let window = PageRequest::new(first, after, last, before).window()?;
        let filter = PostFilterInput::checked(filter)?;
        let visibility = PostVisibility::of(caller(ctx));
        let page = domain::list(db(ctx), &visibility, &filter, &window)
            .await?
            .map(|m| Post::in_locale(m, &locale));
        let total = total_count_if_selected(ctx, domain::count(db(ctx), &visibility, &filter)).await?;
        Ok(PostConnection::new(page, total))
    }

    /// Published EVENT posts that are not over yet (those under way too), soonest start first.
    async fn upcoming_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(
            desc = "The language (BCP 47 tag) to answer in, over the `Accept-Language` header; the texts fall back to the primary language."
        )]
        locale: Option<String>,
    ) -> AppResult<PostConnection> {
        let locale = Preference::from_argument("locale", locale.as_deref())?;
        let window = PageRequest::new(first, after, None, None).window()?;
        let visibility = PostVisibility::of(caller(ctx));
        let (page, total) = domain::upcoming_events(db(ctx), &visibility, &window, wants_total_count(ctx)).await?;
        Ok(PostConnection::new(page.map(|m| Post::in_locale(m, &locale)), total))
    }

    /// Published CALL posts whose deadline has not passed, soonest deadline first.
    async fn open_calls(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(
            desc = "The language (BCP 47 tag) to answer in, over the `Accept-Language` header; the texts fall back to the primary language."
        )]
        locale: Option<String>,
    ) -> AppResult<PostConnection> {
        let locale = Preference::from_argument("locale", locale.as_deref())?;
        let window = PageRequest::new(first, after, None, None).window()?;
        let visibility = PostVisibility::of(caller(ctx));
        let (page, total) = domain::open_calls(db(ctx), &visibility, &window, wants_total_count(ctx)).await?;
        Ok(PostConnection::new(page.map(|m| Post::in_locale(m, &locale)), total))
    }
}
