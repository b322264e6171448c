//! The operations of the platform, each checking who may do it. The JSON API and the web pages
//! both call these, so a rule is enforced once whichever door a request came through.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod counters;
pub mod deadline_rules;
pub mod exports;
pub mod figures;
pub mod findings;
pub mod identity;
pub mod import;
pub mod jobs;
pub mod lifecycle;
pub mod notifications;
pub mod outbox;
pub mod overdue;
pub mod oversight;
pub mod ratings;
pub mod reception;
pub mod redaction;
pub mod reports;
pub mod staff;
pub mod units;

use crate::db::DbConn;
use crate::error::AppResult;
use shared::model::{ListQuery, Page};

diesel::define_sql_function! {
    /// SQL `lower()`, for case-insensitive search on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// The half-open range of materialised paths in the subtree rooted at `prefix` ("/a/b/"):
/// paths are ids and slashes, so every descendant sorts before the prefix with its last
/// slash bumped to '0'. An empty prefix (a national scope) means everything.
pub fn subtree_range(prefix: &str) -> Option<(String, String)> {
    let stem = prefix.strip_suffix('/')?;
    Some((prefix.to_string(), format!("{stem}0")))
}

/// SQLite's built-in `lower()` folds ASCII only, so a search for "đinh" never found "Đinh Văn
/// A" (nor "đỗ" "Đỗ"). Before a search, SQLite connections get a `lower()` that folds Unicode like
/// the pattern side does; PostgreSQL's `lower()` already does under a UTF-8 locale.
pub fn unicode_lower(conn: &mut DbConn) -> AppResult<()> {
    if let DbConn::Sqlite(c) = conn {
        let c: &mut diesel::SqliteConnection = c;
        lower_utils::register_impl(c, |s: String| s.to_lowercase())?;
    }
    Ok(())
}

/// `%term%` for LIKE, lower-cased and in NFC like stored text, with LIKE's wildcards taken
/// literally.
pub fn like_pattern(q: &str) -> String {
    let escaped: String = shared::validate::clean(q)
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// The LIKE pattern of a list's free-text search (`q`), if there is one. A control character
/// (a NUL, say) can be in no stored name, and PostgreSQL refuses a NUL outright: it is refused
/// here with a clear error rather than reaching the database.
pub fn search_pattern(q: &ListQuery) -> AppResult<Option<String>> {
    let Some(term) = q.q.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    if term.chars().any(char::is_control) {
        return Err(crate::error::AppError(shared::ApiError::field(
            "q",
            shared::FieldCode::InvalidFormat,
            "Từ khoá tìm kiếm có ký tự điều khiển không hợp lệ.",
            "The search term holds a control character, which is not allowed.",
        )));
    }
    Ok(Some(like_pattern(term)))
}

pub fn page_of<T>(items: Vec<T>, total: i64, q: &ListQuery) -> Page<T> {
    Page {
        items,
        total,
        page: q.page(),
        per_page: q.per_page(),
    }
}

pub fn offset(q: &ListQuery) -> i64 {
    (q.page() as i64 - 1) * q.per_page() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_range_brackets_descendants_only() {
        let (lo, hi) = subtree_range("/a/b/").unwrap();
        for inside in ["/a/b/", "/a/b/c/", "/a/b/zz/y/"] {
            assert!(inside >= lo.as_str() && inside < hi.as_str(), "{inside}");
        }
        for outside in ["/a/", "/a/bc/", "/a/b0/", "/a/c/"] {
            assert!(
                !(outside >= lo.as_str() && outside < hi.as_str()),
                "{outside}"
            );
        }
        assert!(subtree_range("").is_none());
    }

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(like_pattern(" 50%_A "), "%50\\%\\_a%");
    }
}
