// Opens (or creates) a ledger, adds a material and lists the catalog — all through the
// library, no CLI. Usage: catalog LEDGER.db
#include <iostream>
#include <stockpile/stockpile.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: catalog LEDGER.db\n";
    return 2;
  }
  try {
    auto ledger = stockpile::Ledger::create(argv[1]);

    stockpile::Material tent(stockpile::MaterialCode("TENT-12"));
    tent.name = "帐篷";
    tent.specification = "12 m², 单帐篷";
    tent.unit = "顶";
    tent.hazards = stockpile::parse_hazards("flood,earthquake,cold");
    tent.recoverable = true;
    if (!ledger.find_material(tent.code)) ledger.add_material(tent);

    for (const auto& m : ledger.materials()) {
      std::cout << m.code.str() << '\t' << m.name << '\t' << m.unit << '\n';
    }
    return 0;
  } catch (const stockpile::Error& e) {
    std::cerr << "catalog: " << e.what() << '\n';
    return e.exit_code();
  }
}
