#ifndef FATURA_CLIBXML2_SHIM_H
#define FATURA_CLIBXML2_SHIM_H

// libxml2 and Foundation each bring an ICU; keep libxml2's ICU declarations
// out of Swift so the two `UErrorCode` definitions never meet.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/tree.h>

#endif
