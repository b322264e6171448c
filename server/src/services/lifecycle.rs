//! The end of personal data (Decree 13/2023/NĐ-CP). A citizen may ask, from the tracking
//! page, for their personal data to be erased; the lifecycle job does it within 72 hours (it
//! runs every hour by default). Reports that have been final for the retention period of
//! their kind lose it the same way, and old ratings lose the pseudonyms that tied them to a
//! phone and a network.
//!
//! Erasing a report's personal data removes the reporter's name, phone and e-mail, every
//! photo (with its redacted copy) and the messages to the reporter still waiting in the
//! outbox (those sent keep their text, but not the address). The report itself stays, with
//! its kind, category, unit, text and timeline: the case's history and every figure are
//! unchanged. On SQLite the connections run with `secure_delete`, so deleted photos are
//! overwritten in the file rather than left in free pages.

use crate::db::{in_transaction, now_ms, Db, DbConn};
use crate::db_run;
use crate::error::AppResult;
use crate::photo_store::PhotoStore;
use crate::schema::{outbox, photo_redactions, ratings, report_photos, reports};
use diesel::prelude::*;
use shared::report::ReportKind;
use std::time::Duration;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// How long personal data is kept, in days, counted from the moment a report became final
/// (its last change) or a rating was given; 0 keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    pub feedback_days: i64,
    pub suggestion_days: i64,
    pub complaint_days: i64,
    pub denunciation_days: i64,
    pub rating_days: i64,
}

impl Retention {
    fn report_days(&self, kind: ReportKind) -> i64 {
        match kind {
            ReportKind::Feedback => self.feedback_days,
            ReportKind::Suggestion => self.suggestion_days,
            ReportKind::Complaint => self.complaint_days,
            ReportKind::Denunciation => self.denunciation_days,
        }
    }
}

/// What one run of the job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleRun {
    pub erased_on_request: usize,
    pub erased_by_retention: usize,
    pub ratings_cleared: usize,
}

/// Records the citizen's request (once: asking again changes nothing).
pub fn request_erasure(conn: &mut DbConn, report_id: &str, now: i64) -> AppResult<()> {
    let rid = report_id.to_string();
    db_run!(conn, {
        diesel::update(
            reports::table
                .filter(reports::id.eq(&rid))
                .filter(reports::erasure_requested_at.is_null()),
        )
        .set(reports::erasure_requested_at.eq(Some(now)))
        .execute(conn)
    })?;
    Ok(())
}

/// Erases the report's personal data in one transaction, after its photos' objects when they
/// are in an object store (so that no crash leaves a photo behind with nothing naming it).
pub fn erase_personal_data(
    conn: &mut DbConn,
    photos: &PhotoStore,
    report_id: &str,
    now: i64,
) -> AppResult<()> {
    let rid = report_id.to_string();
    if photos.is_object_store() {
        let keys = crate::photo_store::keys_of_report(conn, &rid)?;
        photos.delete_unreferenced(conn, &keys, Some(&rid))?;
    }
    in_transaction(conn, |conn| {
        db_run!(conn, {
            diesel::update(reports::table.filter(reports::id.eq(&rid)))
                .set((
                    reports::reporter_name_enc.eq(None::<String>),
                    reports::reporter_phone_enc.eq(None::<String>),
                    reports::reporter_email_enc.eq(None::<String>),
                    reports::personal_data_erased_at.eq(Some(now)),
                ))
                .execute(conn)?;
            diesel::delete(photo_redactions::table.filter(photo_redactions::report_id.eq(&rid)))
                .execute(conn)?;
            diesel::delete(report_photos::table.filter(report_photos::report_id.eq(&rid)))
                .execute(conn)?;
            // Messages to the reporter (staff alerts name an account and stay).
            let to_reporter = outbox::report_id.eq(&rid).and(outbox::account_id.is_null());
            diesel::delete(
                outbox::table
                    .filter(to_reporter)
                    .filter(outbox::sent_at.is_null()),
            )
            .execute(conn)?;
            diesel::update(outbox::table.filter(to_reporter))
                .set(outbox::recipient_enc.eq(""))
                .execute(conn)
        })?;
        Ok(())
    })
}

/// Erases what is due: every pending request, then reports final for longer than their
/// kind's retention, then clears old ratings' pseudonyms. At most `limit` reports of each sort
/// per run (the next run takes the rest).
pub fn run_once(
    conn: &mut DbConn,
    photos: &PhotoStore,
    retention: &Retention,
    now: i64,
    limit: i64,
) -> AppResult<LifecycleRun> {
    let mut run = LifecycleRun::default();
    let requested: Vec<String> = db_run!(conn, {
        reports::table
            .filter(reports::erasure_requested_at.is_not_null())
            .filter(reports::personal_data_erased_at.is_null())
            .order(reports::erasure_requested_at.asc())
            .limit(limit)
            .select(reports::id)
            .load(conn)
    })?;
    for id in &requested {
        erase_personal_data(conn, photos, id, now)?;
    }
    run.erased_on_request = requested.len();

    let finals: Vec<&str> = shared::workflow::ReportStatus::ALL
        .iter()
        .filter(|s| s.is_final())
        .map(|s| s.as_str())
        .collect();
    for kind in ReportKind::ALL.iter().copied() {
        let days = retention.report_days(kind);
        if days <= 0 {
            continue;
        }
        let before = now - days * DAY_MS;
        let due: Vec<String> = db_run!(conn, {
            reports::table
                .filter(reports::kind.eq(kind.as_str()))
                .filter(reports::status.eq_any(&finals))
                .filter(reports::updated_at.lt(before))
                .filter(reports::personal_data_erased_at.is_null())
                .limit(limit)
                .select(reports::id)
                .load(conn)
        })?;
        for id in &due {
            erase_personal_data(conn, photos, id, now)?;
        }
        run.erased_by_retention += due.len();
    }

    if retention.rating_days > 0 {
        let before = now - retention.rating_days * DAY_MS;
        run.ratings_cleared = db_run!(conn, {
            diesel::update(
                ratings::table
                    .filter(ratings::created_at.lt(before))
                    .filter(ratings::device_hash.ne("")),
            )
            .set((
                ratings::device_hash.eq(""),
                ratings::network_hash.eq(""),
                ratings::comment.eq(""),
                ratings::dossier_code.eq(""),
            ))
            .execute(conn)
        })?;
    }
    Ok(run)
}

/// Runs the job every `interval` in whichever process holds its lease.
pub fn spawn(db: Db, photos: PhotoStore, retention: Retention, interval: Duration) {
    super::jobs::spawn_leased(db, "data-lifecycle", interval, move |conn| {
        let run = run_once(conn, &photos, &retention, now_ms(), 500)?;
        if run != LifecycleRun::default() {
            tracing::info!(
                erased_on_request = run.erased_on_request,
                erased_by_retention = run.erased_by_retention,
                ratings_cleared = run.ratings_cleared,
                "personal data erased"
            );
        }
        Ok(())
    });
}
