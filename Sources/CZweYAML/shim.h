/* The system libyaml (libyaml-dev), for the component manifest reader in ZweConfiguration. */
#include <yaml.h>
