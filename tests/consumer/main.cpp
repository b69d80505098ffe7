#include <cstdio>
#include <filesystem>
#include <stockpile/stockpile.hpp>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::filesystem::remove(argv[1]);
  auto ledger = stockpile::Ledger::create(argv[1]);
  stockpile::Material coat(stockpile::MaterialCode("COTTON-COAT"));
  coat.name = "棉衣";
  coat.unit = "件";
  ledger.add_material(coat);
  const auto q = stockpile::Quantity::parse("80") + stockpile::Quantity::parse("2.5");
  std::printf("stockpile %s: %zu material(s), first %s, 80 + 2.5 = %s\n", stockpile::version,
              ledger.materials().size(), ledger.materials().front().name.c_str(),
              q.to_string().c_str());
  return 0;
}
