/** `npm run bench`: every benchmark, one after another. */
import "./rotation-copy";
