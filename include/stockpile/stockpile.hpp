// stockpile: the ledger of an emergency material reserve (应急物资储备台账). Include this
// header for everything, or the one header of the concept you need.
#pragma once

#include "stockpile/clock.hpp"
#include "stockpile/codes.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/custodian.hpp"
#include "stockpile/date.hpp"
#include "stockpile/depot.hpp"
#include "stockpile/duration.hpp"
#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/material.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/organisation.hpp"
#include "stockpile/picking.hpp"
#include "stockpile/quantity.hpp"
#include "stockpile/stock.hpp"
#include "stockpile/stocktake.hpp"
#include "stockpile/table.hpp"
#include "stockpile/tier.hpp"
#include "stockpile/version.hpp"
