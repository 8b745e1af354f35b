//! Relay-style pagination: keyset pages over SQL for top-level lists, offset pages for nested
//! connections (cut per owner in SQL by nested_pages.rs) and for small lists held in memory.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Condition, Expr, ExprTrait, IntoCondition},
    ColumnTrait, ColumnType, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select,
    TryIntoModel,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// The four Relay arguments as the client sent them.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// A validated request: how many rows, which way, from where.
#[derive(Debug, Clone)]
pub struct Window {
    pub size: u64,
    pub direction: Direction,
    pub cursor: Option<String>,
}

impl PageRequest {
    /// The request from the four arguments in the order a connection field declares them.
    pub fn new(first: Option<i32>, after: Option<String>, last: Option<i32>, before: Option<String>) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }

    /// The first `n` items.
    pub fn first(n: i32) -> Self {
        Self::new(Some(n), None, None, None)
    }

    /// The last `n` items.
    pub fn last(n: i32) -> Self {
        Self::new(None, None, Some(n), None)
    }

    pub fn window(&self) -> AppResult<Window> {
        let check = |name: &str, n: i32| {
            if (1..=MAX_PAGE_SIZE).contains(&n) {
                Ok(n as u64)
            } else {
                Err(AppError::bad_field(
                    name,
                    format!("must be between 1 and {MAX_PAGE_SIZE}"),
                ))
            }
        };
        match (self.first, self.last) {
            (Some(_), Some(_)) => Err(AppError::bad_field("last", "give either first or last, not both")),
            (_, Some(last)) => {
                if self.after.is_some() {
                    return Err(AppError::bad_field("after", "use before with last"));
                }
                Ok(Window {
                    size: check("last", last)?,
                    direction: Direction::Backward,
                    cursor: self.before.clone(),
                })
            }
            (first, None) => {
                if self.before.is_some() {
                    return Err(AppError::bad_field(
                        "before",
                        "use after with first, or before with last",
                    ));
                }
                let size = check("first", first.unwrap_or(DEFAULT_PAGE_SIZE))?;
                Ok(Window {
                    size,
                    direction: Direction::Forward,
                    cursor: self.after.clone(),
                })
            }
        }
    }
}

/// One page of rows, each with its opaque cursor.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<(String, T)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|(c, t)| (c, f(t))).collect(),
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
        }
    }
}

pub fn encode_cursor<T: Serialize>(value: &T) -> String {
    // Serialising plain data to JSON cannot fail.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

pub fn decode_cursor<T: DeserializeOwned>(field: &str, cursor: &str) -> AppResult<T> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| AppError::bad_field(field, "not a cursor of this list"))
}

fn cursor_field(window: &Window) -> &'static str {
    match window.direction {
        Direction::Forward => "after",
        Direction::Backward => "before",
    }
}

#[derive(Serialize, Deserialize)]
struct Offset {
    o: usize,
}

/// The rows `[start, end)` an offset page covers in a list of `len` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetRange {
    pub start: usize,
    pub end: usize,
    len: usize,
}

/// What an offset request asks for, before the list's length is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OffsetRequest {
    /// Rows `start..end`, or fewer if the list is shorter.
    Rows { start: usize, end: usize },
    /// The last rows of the list (`last` without `before`): the length must be known first.
    Last(usize),
}

impl OffsetRequest {
    pub fn of(request: &PageRequest) -> AppResult<OffsetRequest> {
        let window = request.window()?;
        let size = window.size as usize;
        Ok(match (&window.direction, &window.cursor) {
            (Direction::Forward, None) => OffsetRequest::Rows { start: 0, end: size },
            (Direction::Forward, Some(c)) => {
                let start = decode_cursor::<Offset>("after", c)?.o.saturating_add(1);
                OffsetRequest::Rows {
                    start,
                    end: start.saturating_add(size),
                }
            }
            (Direction::Backward, None) => OffsetRequest::Last(size),
            (Direction::Backward, Some(c)) => {
                let end = decode_cursor::<Offset>("before", c)?.o;
                OffsetRequest::Rows {
                    start: end.saturating_sub(size),
                    end,
                }
            }
        })
    }

    /// The same rows in SQL, over a row's 1-based `number` in its list and the list's `length`
    /// (window functions), and the list's first row, which carries the length when the page
    /// itself is empty.
    pub fn condition(self, number: Expr, length: Expr) -> Condition {
        let first = number.clone().eq(1);
        let page = match self {
            OffsetRequest::Rows { start, end } => number
                .clone()
                .gt(i64::try_from(start).unwrap_or(i64::MAX))
                .and(number.lte(i64::try_from(end).unwrap_or(i64::MAX))),
            OffsetRequest::Last(size) => number.gt(length.sub(size as i64)),
        };
        Condition::any().add(page).add(first)
    }

    /// The rows this request covers in a list of `len` rows.
    pub fn within(self, len: usize) -> OffsetRange {
        let (start, end) = match self {
            OffsetRequest::Rows { start, end } => (start.min(len), end.min(len)),
            OffsetRequest::Last(size) => (len.saturating_sub(size), len),
        };
        OffsetRange { start, end, len }
    }
}

impl OffsetRange {
    /// The length of the whole list.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn limit(&self) -> u64 {
        (self.end - self.start) as u64
    }

    /// The page made of `rows`, which are the rows `start..end` of the list.
    pub fn page<T>(&self, rows: Vec<T>) -> Page<T> {
        Page {
            items: rows
                .into_iter()
                .enumerate()
                .map(|(i, item)| (encode_cursor(&Offset { o: self.start + i }), item))
                .collect(),
            has_previous_page: self.start > 0,
            has_next_page: self.end < self.len,
        }
    }
}

/// Offset pages over a list already in memory (a cluster's members, a partnership's clusters).
pub fn slice<T>(items: Vec<T>, request: &PageRequest) -> AppResult<Page<T>> {
    let range = OffsetRequest::of(request)?.within(items.len());
    let rows = items
        .into_iter()
        .skip(range.start)
        .take(range.end - range.start)
        .collect();
    Ok(range.page(rows))
}

/// The value a list is sorted by, as carried inside a keyset cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SortKey {
    Time(DateTime<Utc>),
    Text(String),
    Int(i64),
}

impl SortKey {
    /// Whether the key can be compared with a column of this type.
    fn fits(&self, column: &ColumnType) -> bool {
        match self {
            SortKey::Text(_) => matches!(column, ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_)),
            SortKey::Int(n) => {
                matches!(column, ColumnType::Integer | ColumnType::SmallInteger) && i32::try_from(*n).is_ok()
                    || matches!(column, ColumnType::BigInteger)
            }
            SortKey::Time(_) => matches!(
                column,
                ColumnType::DateTime | ColumnType::Timestamp | ColumnType::TimestampWithTimeZone
            ),
        }
    }
}

impl From<SortKey> for sea_orm::Value {
    fn from(key: SortKey) -> Self {
        match key {
            SortKey::Time(t) => t.into(),
            SortKey::Text(s) => s.into(),
            // Integer columns are 32-bit in the schema; compare as such on every database.
            SortKey::Int(n) => i32::try_from(n).unwrap_or(i32::MAX).into(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct KeysetCursor {
    /// Which ordering the cursor belongs to, so a cursor of another ordering is refused.
    o: String,
    k: SortKey,
    id: uuid::Uuid,
}

/// How a keyset page is ordered: a sort column with the primary key as tie-breaker.
pub struct Keyset<E: EntityTrait> {
    pub name: &'static str,
    pub column: E::Column,
    pub id: E::Column,
    pub ascending: bool,
    pub key_of: fn(&E::Model) -> (SortKey, uuid::Uuid),
}

/// Runs one page of `select` in keyset order: (sort key, id) beyond the cursor, one extra row to
/// learn whether another page follows.
pub async fn keyset_page<E, C>(
    db: &C,
    select: Select<E>,
    keyset: &Keyset<E>,
    window: &Window,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
    C: ConnectionTrait,
{
    let ascending = keyset.ascending == (window.direction == Direction::Forward);
    let order = if ascending { Order::Asc } else { Order::Desc };
    let mut select = select;
    if let Some(raw) = &window.cursor {
        let cursor: KeysetCursor = decode_cursor(cursor_field(window), raw)?;
        if cursor.o != keyset.name {
            return Err(AppError::bad_field(
                cursor_field(window),
                "cursor belongs to another ordering",
            ));
        }
        // A forged key of another type would be compared loosely by SQLite and refused by
        // PostgreSQL as a database error: refuse it here, the same on both.
        if !cursor.k.fits(&keyset.column.def().get_column_type().clone()) {
            return Err(AppError::bad_field(cursor_field(window), "not a cursor of this list"));
        }
        let key: sea_orm::Value = cursor.k.into();
        let (beyond_key, beyond_id) = if ascending {
            (
                Expr::col(keyset.column).gt(key.clone()),
                Expr::col(keyset.id).gt(cursor.id),
            )
        } else {
            (
                Expr::col(keyset.column).lt(key.clone()),
                Expr::col(keyset.id).lt(cursor.id),
            )
        };
        select = select.filter(
            beyond_key
                .or(Expr::col(keyset.column).eq(key).and(beyond_id))
                .into_condition(),
        );
    }
    let select = select
        .order_by(keyset.column, order.clone())
        .order_by(keyset.id, order)
        .limit(window.size + 1);
    let mut rows = crate::db::rows::all(db, select).await?;
    let more = rows.len() as u64 > window.size;
    rows.truncate(window.size as usize);
    if window.direction == Direction::Backward {
        rows.reverse();
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let (k, id) = (keyset.key_of)(&row);
            (
                encode_cursor(&KeysetCursor {
                    o: keyset.name.into(),
                    k,
                    id,
                }),
                row,
            )
        })
        .collect();
    let came_from_cursor = window.cursor.is_some();
    Ok(match window.direction {
        Direction::Forward => Page {
            items,
            has_previous_page: came_from_cursor,
            has_next_page: more,
        },
        Direction::Backward => Page {
            items,
            has_previous_page: more,
            has_next_page: came_from_cursor,
        },
    })
}
