//! The case figures against the raw rows on random data, both ways: a dashboard over any
//! period (whole months read from the month roll-ups, the days around them from the day
//! roll-ups) equals the same figure counted from `reports`, `report_events` and the deadline
//! clocks that ended; and every month and day roll-up row equals the raw rows of its key.

use diesel::prelude::*;
use rand::{rngs::StdRng, Rng, SeedableRng};
use server::schema::{case_stage_ends, report_events, reports};
use shared::calendar::{Date, Stage};
use shared::figures::{month_of, Dashboard, PeriodKind};
use shared::report::{ReportCategory, ReportKind};
use std::collections::{BTreeMap, HashMap};
use tests::{ok_json, spawn_app, TestApp};

const DAY_MS: i64 = 86_400_000;

/// Unix milliseconds of a Vietnam midnight.
fn vn_midnight(y: i32, m: u32, d: u32) -> i64 {
    Date::new(y, m, d).unwrap().start_unix_ms_vietnam()
}

fn day_of(ms: i64) -> i64 {
    Date::from_unix_ms_vietnam(ms).to_days()
}

fn month_key(day: i64) -> i64 {
    month_of(Date::from_days(day)).0.to_days()
}

/// One report as stored, with its first acceptance, first answer and first final answer.
struct RawCase {
    unit_id: String,
    kind: String,
    category: String,
    created_at: i64,
    accepted_at: Option<i64>,
    answered_at: Option<i64>,
    resolved_at: Option<i64>,
    open_stage: Option<(String, i64)>,
}

/// One deadline clock that ended.
struct RawEnd {
    unit_id: String,
    stage: String,
    day: i64,
    on_time: bool,
}

/// The figures of one key counted from the raw rows.
#[derive(Debug, Default, PartialEq, Eq, Clone)]
struct Flows {
    received: i64,
    accepted: i64,
    accept_ms: i64,
    answered: i64,
    answer_ms: i64,
    resolved: i64,
}

impl Flows {
    fn add(&mut self, c: &RawCase, keep: impl Fn(i64) -> bool) {
        if keep(day_of(c.created_at)) {
            self.received += 1;
        }
        if let Some(at) = c.accepted_at.filter(|at| keep(day_of(*at))) {
            self.accepted += 1;
            self.accept_ms += at - c.created_at;
        }
        if let Some(at) = c.answered_at.filter(|at| keep(day_of(*at))) {
            self.answered += 1;
            self.answer_ms += at - c.created_at;
        }
        if c.resolved_at.is_some_and(|at| keep(day_of(at))) {
            self.resolved += 1;
        }
    }
}

async fn raw_cases(app: &TestApp) -> (Vec<RawCase>, Vec<RawEnd>) {
    type ReportRow = (
        String,
        String,
        String,
        String,
        i64,
        Option<String>,
        Option<String>,
    );
    let (report_rows, event_rows, end_rows) = app
        .on_db(|conn| {
            server::db_run!(conn, {
                let r: Vec<ReportRow> = reports::table
                    .select((
                        reports::id,
                        reports::unit_id,
                        reports::kind,
                        reports::category,
                        reports::created_at,
                        reports::deadline_stage,
                        reports::due_on,
                    ))
                    .load(conn)
                    .unwrap();
                let e: Vec<(String, Option<String>, i64)> = report_events::table
                    .select((
                        report_events::report_id,
                        report_events::to_status,
                        report_events::created_at,
                    ))
                    .load(conn)
                    .unwrap();
                let s: Vec<(String, String, i64, bool)> = case_stage_ends::table
                    .select((
                        case_stage_ends::unit_id,
                        case_stage_ends::stage,
                        case_stage_ends::ended_day,
                        case_stage_ends::on_time,
                    ))
                    .load(conn)
                    .unwrap();
                (r, e, s)
            })
        })
        .await;
    let mut first: HashMap<(String, &str), i64> = HashMap::new();
    for (report, to, at) in &event_rows {
        let what = match to.as_deref() {
            Some("accepted") => vec!["accepted"],
            Some("answered") => vec!["answered", "resolved"],
            Some("declined") | Some("forwarded") => vec!["resolved"],
            _ => vec![],
        };
        for w in what {
            let slot = first.entry((report.clone(), w)).or_insert(*at);
            *slot = (*slot).min(*at);
        }
    }
    let cases = report_rows
        .into_iter()
        .map(|(id, unit_id, kind, category, created_at, stage, due)| {
            let at = |w: &str| first.get(&(id.clone(), w)).copied();
            RawCase {
                accepted_at: at("accepted"),
                answered_at: at("answered"),
                resolved_at: at("resolved"),
                open_stage: stage.zip(due.map(|d| Date::parse(&d).unwrap().to_days())),
                unit_id,
                kind,
                category,
                created_at,
            }
        })
        .collect();
    let ends = end_rows
        .into_iter()
        .map(|(unit_id, stage, day, on_time)| RawEnd {
            unit_id,
            stage,
            day,
            on_time,
        })
        .collect();
    (cases, ends)
}

#[tokio::test]
async fn case_rollups_equal_the_raw_rows_on_random_data() {
    let app = spawn_app().await;
    let w = app.world().await;
    let units = [w.commune_a.id.clone(), w.commune_b.id.clone()];
    let mut rng = StdRng::seed_from_u64(20261124);
    // 400 reports over four months and around three month boundaries (Vietnam midnights),
    // written straight into the tables in time order as the platform writes them: received,
    // then maybe accepted, declined or forwarded, then maybe answered (twice, sometimes: only
    // the first counts); a deadline clock that ends on time or late, or is still running.
    let start = vn_midnight(2026, 2, 1) - 3 * DAY_MS;
    let span = 120 * DAY_MS;
    let stages = [Stage::Intake, Stage::Acknowledge, Stage::Resolve];
    let ops = (0..400)
        .map(|i| {
            let unit = units[rng.gen_range(0..2)].clone();
            let kind = ReportKind::ALL[rng.gen_range(0..ReportKind::ALL.len())];
            let category = ReportCategory::ALL[rng.gen_range(0..ReportCategory::ALL.len())];
            // Some on the last hour of a Vietnam day, to catch a UTC-day mistake.
            let created = if rng.gen_bool(0.2) {
                start + rng.gen_range(0..120) * DAY_MS + DAY_MS - rng.gen_range(1..3_600_000)
            } else {
                start + rng.gen_range(0..span)
            };
            let stage = stages[rng.gen_range(0..stages.len())].as_str();
            let due = Date::from_unix_ms_vietnam(created).add_days(rng.gen_range(1..15));
            let mut events: Vec<(&str, i64)> = Vec::new();
            let mut t = created;
            match rng.gen_range(0..5) {
                0 => {}
                1 => events.push(("declined", t + rng.gen_range(1..20 * DAY_MS))),
                2 => events.push(("forwarded", t + rng.gen_range(1..20 * DAY_MS))),
                _ => {
                    t += rng.gen_range(1..10 * DAY_MS);
                    events.push(("accepted", t));
                    if rng.gen_bool(0.7) {
                        t += rng.gen_range(1..40 * DAY_MS);
                        events.push(("answered", t));
                        if rng.gen_bool(0.2) {
                            events.push(("answered", t + rng.gen_range(1..5 * DAY_MS)));
                        }
                    }
                }
            }
            let ended = rng
                .gen_bool(0.7)
                .then(|| created + rng.gen_range(1..20 * DAY_MS));
            (i, unit, kind, category, created, stage, due, events, ended)
        })
        .collect::<Vec<_>>();
    app.on_db(move |conn| {
        server::db_run!(conn, {
            conn.transaction(|conn| {
                for (i, unit, kind, category, created, stage, due, events, ended) in ops {
                    let id = format!("rnd-case-{i}");
                    diesel::insert_into(reports::table)
                        .values((
                            reports::id.eq(&id),
                            reports::tracking_code.eq(format!("RND{i:05}")),
                            reports::kind.eq(kind.as_str()),
                            reports::category.eq(category.as_str()),
                            reports::unit_id.eq(&unit),
                            reports::description.eq("Phản ánh ngẫu nhiên cho kiểm thử số liệu."),
                            reports::anonymous.eq(true),
                            reports::wants_meeting.eq(false),
                            reports::status.eq("received"),
                            reports::idempotency_key.eq(format!("rnd-case-{i}")),
                            reports::created_at.eq(created),
                            reports::updated_at.eq(created),
                            reports::deadline_stage.eq(Some(stage)),
                            reports::due_on.eq(Some(due.iso())),
                            reports::about_head.eq(false),
                            reports::withheld_from_unit.eq(false),
                        ))
                        .execute(conn)?;
                    for (n, (to, at)) in events.into_iter().enumerate() {
                        diesel::insert_into(report_events::table)
                            .values((
                                report_events::id.eq(format!("{id}-e{n}")),
                                report_events::report_id.eq(&id),
                                report_events::kind.eq("status"),
                                report_events::public.eq(true),
                                report_events::body.eq(""),
                                report_events::created_at.eq(at),
                                report_events::to_status.eq(Some(to)),
                            ))
                            .execute(conn)?;
                    }
                    if let Some(at) = ended {
                        diesel::update(reports::table.find(&id))
                            .set((
                                reports::deadline_stage.eq(None::<String>),
                                reports::updated_at.eq(at),
                            ))
                            .execute(conn)?;
                    }
                }
                Ok::<_, diesel::result::Error>(())
            })
        })
        .unwrap()
    })
    .await;

    let (cases, ends) = raw_cases(&app).await;
    assert_eq!(cases.len(), 400);
    assert!(ends.iter().any(|e| e.on_time) && ends.iter().any(|e| !e.on_time));
    let flows = |unit: Option<&str>, from: i64, to: i64| {
        let mut f = Flows::default();
        for c in cases.iter().filter(|c| unit.is_none_or(|u| u == c.unit_id)) {
            f.add(c, |d| (from..=to).contains(&d));
        }
        f
    };
    // (on time, late) per stage among the clocks that ended in [from, to].
    let ended = |unit: Option<&str>, from: i64, to: i64| {
        let mut by_stage: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for e in ends.iter().filter(|e| unit.is_none_or(|u| u == e.unit_id)) {
            if (from..=to).contains(&e.day) {
                let s = by_stage.entry(e.stage.clone()).or_default();
                if e.on_time {
                    s.0 += 1;
                } else {
                    s.1 += 1;
                }
            }
        }
        by_stage
    };
    let flows_of = |c: &shared::figures::CaseCounts| Flows {
        received: c.received,
        accepted: c.accepted,
        accept_ms: c.accept_ms,
        answered: c.answered,
        answer_ms: c.answer_ms,
        resolved: c.resolved,
    };
    let ends_of = |c: &shared::figures::CaseCounts| {
        c.deadlines
            .iter()
            .filter(|d| d.on_time + d.late > 0)
            .map(|d| (d.stage.as_str().to_string(), (d.on_time, d.late)))
            .collect::<BTreeMap<_, _>>()
    };

    // Random periods, from one day to four months, and each kind of period around a random
    // day: whole months, partial months on either side, or both.
    let head = w.head_province.token();
    let mut queries: Vec<String> = (0..14)
        .map(|_| {
            let from = Date::from_unix_ms_vietnam(start + rng.gen_range(0..span));
            let to = from.add_days(rng.gen_range(0..125));
            format!("period=custom&from={}&to={}", from.iso(), to.iso())
        })
        .collect();
    for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Week] {
        let day = Date::from_unix_ms_vietnam(start + rng.gen_range(0..span));
        queries.push(format!("period={}&day={}", kind.as_str(), day.iso()));
    }
    queries.push("period=custom&from=2026-02-01&to=2026-04-30".into());
    queries.push("period=custom&from=2026-01-31&to=2026-05-01".into());
    let mut whole_months_read = 0;
    for q in &queries {
        let q = format!("unit_id={}&{q}", w.province.id);
        let d: Dashboard = ok_json(app.get(&format!("/api/v1/figures?{q}"), head).await).await;
        let (from, to) = (
            Date::parse(&d.from).unwrap().to_days(),
            Date::parse(&d.to).unwrap().to_days(),
        );
        if shared::figures::split_by_months(Date::from_days(from), Date::from_days(to))
            .0
            .is_some()
        {
            whole_months_read += 1;
        }
        assert_eq!(flows_of(&d.cases), flows(None, from, to), "{q}");
        assert_eq!(ends_of(&d.cases), ended(None, from, to), "{q}");
        for unit in &units {
            let row = d.units.iter().find(|u| &u.unit_id == unit).unwrap();
            assert_eq!(flows_of(&row.cases), flows(Some(unit), from, to), "{q}");
            assert_eq!(ends_of(&row.cases), ended(Some(unit), from, to), "{q}");
        }
        // Received by kind and by category: every report received in the period, once.
        let mut by_kind: BTreeMap<&str, i64> = BTreeMap::new();
        let mut by_category: BTreeMap<&str, i64> = BTreeMap::new();
        for c in &cases {
            if (from..=to).contains(&day_of(c.created_at)) {
                *by_kind.entry(c.kind.as_str()).or_default() += 1;
                *by_category.entry(c.category.as_str()).or_default() += 1;
            }
        }
        let got_kind: BTreeMap<&str, i64> = d
            .cases
            .by_kind
            .iter()
            .map(|(k, n)| (k.as_str(), *n))
            .collect();
        let got_category: BTreeMap<&str, i64> = d
            .cases
            .by_category
            .iter()
            .map(|(k, n)| (k.as_str(), *n))
            .collect();
        assert_eq!(got_kind, by_kind, "{q}");
        assert_eq!(got_category, by_category, "{q}");
        // Still running past a due date in the period (all of them before today).
        for dl in &d.cases.deadlines {
            let open = cases
                .iter()
                .filter(|c| {
                    c.open_stage
                        .as_ref()
                        .is_some_and(|(s, due)| s == dl.stage.as_str() && (from..=to).contains(due))
                })
                .count() as i64;
            assert_eq!(dl.overdue_open, open, "{q} {}", dl.stage.as_str());
        }
        // The trends: received and deadline ends per month and per week.
        for p in d.months.iter().chain(d.weeks.iter()) {
            let (pf, pt) = (
                Date::parse(&p.from).unwrap().to_days(),
                Date::parse(&p.to).unwrap().to_days(),
            );
            assert_eq!(p.received, flows(None, pf, pt).received, "{q} {}", p.from);
            let e = ended(None, pf, pt);
            assert_eq!(
                (p.on_time, p.late),
                e.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1)),
                "{q} {}",
                p.from
            );
        }
    }
    assert!(whole_months_read >= 3, "{whole_months_read}");

    // And the other way: every month and day roll-up row is the sum of the raw rows of its
    // key, and every key of the raw rows has its row.
    type MonthKey = (String, i64, String, String);
    let mut want_months: BTreeMap<MonthKey, Flows> = BTreeMap::new();
    for c in &cases {
        let mut days: Vec<i64> = vec![day_of(c.created_at)];
        days.extend(
            [c.accepted_at, c.answered_at, c.resolved_at]
                .into_iter()
                .flatten()
                .map(day_of),
        );
        for m in days.into_iter().map(month_key) {
            want_months
                .entry((c.unit_id.clone(), m, c.kind.clone(), c.category.clone()))
                .or_default();
        }
    }
    for ((unit, m, kind, category), f) in want_months.iter_mut() {
        let last = month_of(Date::from_days(*m)).1.to_days();
        for c in cases
            .iter()
            .filter(|c| &c.unit_id == unit && &c.kind == kind && &c.category == category)
        {
            f.add(c, |d| (*m..=last).contains(&d));
        }
    }
    let mut want_deadline_months: BTreeMap<(String, i64, String), (i64, i64)> = BTreeMap::new();
    let mut want_days: BTreeMap<(String, i64), (i64, i64, i64)> = BTreeMap::new();
    for e in &ends {
        let m = want_deadline_months
            .entry((e.unit_id.clone(), month_key(e.day), e.stage.clone()))
            .or_default();
        let d = want_days.entry((e.unit_id.clone(), e.day)).or_default();
        if e.on_time {
            m.0 += 1;
            d.1 += 1;
        } else {
            m.1 += 1;
            d.2 += 1;
        }
    }
    for c in &cases {
        want_days
            .entry((c.unit_id.clone(), day_of(c.created_at)))
            .or_default()
            .0 += 1;
    }
    type MonthRow = (String, i64, String, String, (i64, i64, i64, i64, i64, i64));
    type StageRow = (String, i64, String, i64, i64);
    type DayRow = (String, i64, i64, i64, i64);
    let (months, deadline_months, days): (Vec<MonthRow>, Vec<StageRow>, Vec<DayRow>) = app
        .on_db(|conn| {
            use server::schema::{
                case_deadline_months as dm, case_months as cm, case_unit_days as ud,
            };
            server::db_run!(conn, {
                (
                    cm::table
                        .select((
                            cm::unit_id,
                            cm::month,
                            cm::kind,
                            cm::category,
                            (
                                cm::received,
                                cm::accepted,
                                cm::accept_ms,
                                cm::answered,
                                cm::answer_ms,
                                cm::resolved,
                            ),
                        ))
                        .load(conn)
                        .unwrap(),
                    dm::table
                        .select((dm::unit_id, dm::month, dm::stage, dm::on_time, dm::late))
                        .load(conn)
                        .unwrap(),
                    ud::table
                        .select((ud::unit_id, ud::day, ud::received, ud::on_time, ud::late))
                        .load(conn)
                        .unwrap(),
                )
            })
        })
        .await;
    // Rows that came to zero (a second answer adds nothing) are left out of the comparison.
    let kept_months: BTreeMap<MonthKey, Flows> = months
        .into_iter()
        .filter(|r| r.4 != (0, 0, 0, 0, 0, 0))
        .map(|(u, m, k, c, f)| {
            (
                (u, m, k, c),
                Flows {
                    received: f.0,
                    accepted: f.1,
                    accept_ms: f.2,
                    answered: f.3,
                    answer_ms: f.4,
                    resolved: f.5,
                },
            )
        })
        .collect();
    assert_eq!(kept_months, want_months);
    let kept_deadline_months: BTreeMap<(String, i64, String), (i64, i64)> = deadline_months
        .into_iter()
        .map(|(u, m, s, on_time, late)| ((u, m, s), (on_time, late)))
        .collect();
    assert_eq!(kept_deadline_months, want_deadline_months);
    let kept_days: BTreeMap<(String, i64), (i64, i64, i64)> = days
        .into_iter()
        .filter(|r| (r.2, r.3, r.4) != (0, 0, 0))
        .map(|(u, d, received, on_time, late)| ((u, d), (received, on_time, late)))
        .collect();
    assert_eq!(kept_days, want_days);
}
