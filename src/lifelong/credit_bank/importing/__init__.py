"""Enterprise bulk import (集中导入): the file format, reading and sniffing, row validation,
batched writes, error reports and the Excel template."""
