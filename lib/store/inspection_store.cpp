// Inspection plans, inspections, findings and resolutions in SQLite (storage seam).
#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite_store.hpp"

namespace stockpile::store {

namespace {

InspectionPlan read_plan(SQLite::Statement& q) {
  InspectionPlan p{.id = q.getColumn(0).getInt64(),
                   .target = parse_inspection_target(q.getColumn(1).getString()),
                   .every = Duration::parse(q.getColumn(2).getString()),
                   .on_day = std::nullopt,
                   .custodian = CustodianId(q.getColumn(4).getString()),
                   .starting = Date::parse(q.getColumn(5).getString())};
  if (!q.getColumn(3).isNull()) p.on_day = q.getColumn(3).getInt();
  return p;
}

constexpr const char* kFindingSelect =
    "SELECT f.id, f.inspection, i.plan, p.target, f.text, i.date, r.resolved_by, r.note, "
    "r.recorded_at FROM findings f JOIN inspections i ON i.id = f.inspection "
    "JOIN inspection_plans p ON p.id = i.plan LEFT JOIN finding_resolutions r ON r.finding = f.id";

Finding read_finding(SQLite::Statement& q) {
  Finding f{.id = q.getColumn(0).getInt64(),
            .inspection = q.getColumn(1).getInt64(),
            .plan = q.getColumn(2).getInt64(),
            .target = q.getColumn(3).getString(),
            .text = q.getColumn(4).getString(),
            .found = Date::parse(q.getColumn(5).getString()),
            .resolved_by = std::nullopt,
            .resolution = {},
            .resolved_at = {}};
  if (!q.getColumn(6).isNull()) {
    f.resolved_by = CustodianId(q.getColumn(6).getString());
    f.resolution = q.getColumn(7).getString();
    f.resolved_at = q.getColumn(8).getString();
  }
  return f;
}

} // namespace

std::int64_t SqliteStore::insert_plan(const InspectionPlan& p, const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO inspection_plans (target, every, on_day, custodian, "
                            "starting, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(1, p.target.to_string());
  q.bind(2, p.every.to_string());
  if (p.on_day) q.bind(3, *p.on_day);
  else q.bind(3);
  q.bind(4, p.custodian.str());
  q.bind(5, p.starting.to_string());
  q.bind(6, now);
  q.exec();
  return db_->getLastInsertRowid();
}

std::optional<InspectionPlan> SqliteStore::plan(std::int64_t id) const {
  SQLite::Statement q(*db_, "SELECT id, target, every, on_day, custodian, starting FROM "
                            "inspection_plans WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return read_plan(q);
}

std::vector<InspectionPlan> SqliteStore::plans() const {
  SQLite::Statement q(*db_, "SELECT id, target, every, on_day, custodian, starting FROM "
                            "inspection_plans ORDER BY id");
  std::vector<InspectionPlan> out;
  while (q.executeStep()) out.push_back(read_plan(q));
  return out;
}

std::optional<Date> SqliteStore::last_inspection(std::int64_t plan) const {
  SQLite::Statement q(*db_, "SELECT max(date) FROM inspections WHERE plan = ?");
  q.bind(1, plan);
  if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
  return Date::parse(q.getColumn(0).getString());
}

std::int64_t SqliteStore::insert_inspection(std::int64_t plan, Date date,
                                            const std::string& inspector, InspectionResult result,
                                            const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO inspections (plan, date, inspector, result, "
                            "recorded_at) VALUES (?, ?, ?, ?, ?)");
  q.bind(1, plan);
  q.bind(2, date.to_string());
  q.bind(3, inspector);
  q.bind(4, std::string(to_string(result)));
  q.bind(5, now);
  q.exec();
  return db_->getLastInsertRowid();
}

std::int64_t SqliteStore::insert_finding(std::int64_t inspection, const std::string& text) {
  SQLite::Statement q(*db_, "INSERT INTO findings (inspection, text) VALUES (?, ?)");
  q.bind(1, inspection);
  q.bind(2, text);
  q.exec();
  return db_->getLastInsertRowid();
}

std::vector<Inspection> SqliteStore::inspections(std::optional<std::int64_t> plan) const {
  SQLite::Statement q(*db_, "SELECT id, plan, date, inspector, result FROM inspections "
                            "WHERE ?1 IS NULL OR plan = ?1 ORDER BY date, id");
  if (plan) q.bind(1, *plan);
  else q.bind(1);
  std::vector<Inspection> out;
  while (q.executeStep()) {
    out.push_back(Inspection{.id = q.getColumn(0).getInt64(),
                             .plan = q.getColumn(1).getInt64(),
                             .date = Date::parse(q.getColumn(2).getString()),
                             .inspector = CustodianId(q.getColumn(3).getString()),
                             .result = parse_inspection_result(q.getColumn(4).getString()),
                             .findings = {}});
  }
  for (auto& i : out) {
    SQLite::Statement f(*db_, std::string(kFindingSelect) + " WHERE f.inspection = ? ORDER BY f.id");
    f.bind(1, i.id);
    while (f.executeStep()) i.findings.push_back(read_finding(f));
  }
  return out;
}

std::vector<Finding> SqliteStore::findings(bool open_only) const {
  SQLite::Statement q(*db_, std::string(kFindingSelect) +
                                (open_only ? " WHERE r.finding IS NULL" : "") + " ORDER BY f.id");
  std::vector<Finding> out;
  while (q.executeStep()) out.push_back(read_finding(q));
  return out;
}

std::optional<Finding> SqliteStore::finding(std::int64_t id) const {
  SQLite::Statement q(*db_, std::string(kFindingSelect) + " WHERE f.id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return read_finding(q);
}

void SqliteStore::insert_resolution(std::int64_t finding, const std::string& by,
                                    const std::string& note, const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO finding_resolutions (finding, resolved_by, note, "
                            "recorded_at) VALUES (?, ?, ?, ?)");
  q.bind(1, finding);
  q.bind(2, by);
  q.bind(3, note);
  q.bind(4, now);
  q.exec();
}

} // namespace stockpile::store
