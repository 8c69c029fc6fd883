# cmake -DBIN=ztlog -DSH=bash|zsh|fish -DOUT=file -P completion.cmake
# Write `BIN completion SH` to OUT; fail if it fails.
execute_process(COMMAND ${BIN} completion ${SH} OUTPUT_FILE ${OUT}.tmp
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${BIN} completion ${SH}: exit status ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
