// A program using the ledger without the CLI: sets up a depot, receives two lots of masks,
// issues first-expiry-first-out, prints the stock and verifies the hash chain.
// Usage: issue_and_verify LEDGER.db   (the file is created fresh)
#include <filesystem>
#include <iostream>
#include <stockpile/stockpile.hpp>

int main(int argc, char** argv) {
  using namespace stockpile;
  if (argc != 2) {
    std::cerr << "usage: issue_and_verify LEDGER.db\n";
    return 2;
  }
  try {
    std::filesystem::remove(argv[1]);
    OpenOptions options;
    options.time_zone = "Asia/Shanghai";
    auto ledger = Ledger::create(argv[1], options);
    ledger.add_organisation({OrgCode("LZ"), "柳州市应急管理局", OrgLevel::City, std::nullopt});
    ledger.add_depot({DepotCode("LZ-CITY-01"), "柳州市救灾物资储备库", OrgCode("LZ"), ""});
    ledger.add_custodian({CustodianId("li.wei"), "李伟", "", {Role::Keeper}, {}});
    Material mask(MaterialCode("MASK"));
    mask.name = "医用外科口罩";
    mask.unit = "个";
    mask.shelf_life = Duration::parse("3y");
    ledger.add_material(mask);

    const Date today = ledger.today();
    for (auto [lot, produced] : {std::pair{"KZ-B", "2025-06-10"}, std::pair{"KZ-A", "2024-01-05"}}) {
      ledger.receive({.depot = DepotCode("LZ-CITY-01"),
                      .material = MaterialCode("MASK"),
                      .lot = LotNumber(lot),
                      .quantity = Quantity::parse("3000"),
                      .date = today,
                      .actor = CustodianId("li.wei"),
                      .production = Date::parse(produced)});
    }
    // 4000 masks: all 3000 of the older lot KZ-A first, then 1000 of KZ-B.
    auto posted = ledger.issue({.depot = DepotCode("LZ-CITY-01"),
                                .material = MaterialCode("MASK"),
                                .quantity = Quantity::parse("4000"),
                                .date = today,
                                .actor = CustodianId("li.wei")});
    for (const auto& m : posted.movements) {
      std::cout << "issued " << (-m.quantity).to_string() << " from lot " << m.lot.str() << '\n';
    }
    for (const auto& line : ledger.stock({.depot = DepotCode("LZ-CITY-01")})) {
      std::cout << "on hand " << line.lot.number.str() << ' ' << line.quantity.to_string() << ' '
                << line.unit << '\n';
    }
    std::cout << "verified " << ledger.verify().movements << " movements\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "issue_and_verify: " << e.what() << '\n';
    return e.exit_code();
  }
}
