pub mod venue;
