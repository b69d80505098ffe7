# The README's demo: the data/ files import cleanly and the audit prints.
run bash "$DATA/demo.sh" stockpile demo.db
