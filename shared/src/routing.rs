//! Who may see a report: the one place that decides it. The server stores the decision with
//! the report (`withheld_from_unit`) and enforces it in every query that reads reports.
//!
//! - Feedback, suggestions and complaints go to the head of the unit they concern (and, as for
//!   every report, to the heads above and the committee overseeing the unit).
//! - Denunciations, corruption and misconduct reports, and any report about the unit's head or
//!   a deputy, are **withheld from the unit itself**: its heads and its officers never see them.
//!   They go to the committee overseeing the unit and to the head of the superior unit.
//! - A report naming an officer is never shown to that officer, whatever the route.

use crate::report::{ReportCategory, ReportKind};

/// Whether a report is withheld from its own unit's heads and officers.
pub fn withheld_from_unit(kind: ReportKind, category: ReportCategory, about_head: bool) -> bool {
    about_head || kind == ReportKind::Denunciation || category.is_misconduct()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misconduct_denunciations_and_reports_about_the_head_skip_the_unit() {
        use ReportCategory::*;
        use ReportKind::*;
        assert!(withheld_from_unit(Denunciation, Other, false));
        assert!(withheld_from_unit(Feedback, AskingMoney, false));
        assert!(withheld_from_unit(Complaint, Harassment, false));
        assert!(withheld_from_unit(Suggestion, LateDossier, true));
        assert!(!withheld_from_unit(Feedback, LateDossier, false));
        assert!(!withheld_from_unit(Complaint, Rude, false));
    }
}
