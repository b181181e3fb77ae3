// The constant reference tables behind catalog.hpp.
#include "catalog.hpp"

namespace autopilot::etl {

const std::vector<CityInfo> &cities()
{
    static const std::vector<CityInfo> v = {
        {"Chennai", "Chennai", 13.0827, 80.2707, 8696000, 10, "600"},
        {"Coimbatore", "Coimbatore", 11.0168, 76.9558, 2151000, 5, "641"},
        {"Madurai", "Madurai", 9.9252, 78.1198, 1465000, 4, "625"},
        {"Tiruchirappalli", "Tiruchirappalli", 10.7905, 78.7047, 1022000, 3, "620"},
        {"Salem", "Salem", 11.6643, 78.1460, 917000, 3, "636"},
        {"Tiruppur", "Tiruppur", 11.1085, 77.3411, 963000, 2, "641"},
        {"Tirunelveli", "Tirunelveli", 8.7139, 77.7567, 498000, 2, "627"},
        {"Vellore", "Vellore", 12.9165, 79.1325, 504000, 2, "632"},
        {"Erode", "Erode", 11.3410, 77.7172, 521000, 2, "638"},
        {"Thoothukudi", "Thoothukudi", 8.7642, 78.1348, 411000, 1, "628"},
        {"Dindigul", "Dindigul", 10.3624, 77.9695, 207000, 1, "624"},
        {"Thanjavur", "Thanjavur", 10.7870, 79.1378, 290000, 1, "613"},
        {"Hosur", "Krishnagiri", 12.7409, 77.8253, 245000, 1, "635"},
        {"Nagercoil", "Kanyakumari", 8.1833, 77.4119, 290000, 1, "629"},
        {"Kanchipuram", "Kanchipuram", 12.8342, 79.7036, 232000, 1, "631"},
        {"Kumbakonam", "Thanjavur", 10.9617, 79.3881, 140000, 1, "612"},
        {"Karur", "Karur", 10.9601, 78.0766, 234000, 1, "639"},
        {"Cuddalore", "Cuddalore", 11.7480, 79.7714, 173000, 1, "607"},
        {"Tiruvannamalai", "Tiruvannamalai", 12.2253, 79.0747, 145000, 1, "606"},
        {"Pollachi", "Coimbatore", 10.6609, 77.0048, 128000, 1, "642"},
        {"Ooty", "The Nilgiris", 11.4102, 76.6950, 88000, 1, "643"},
        {"Villupuram", "Villupuram", 11.9401, 79.4861, 96000, 1, "605"},
        {"Sivakasi", "Virudhunagar", 9.4533, 77.8024, 71000, 1, "626"},
        {"Rajapalayam", "Virudhunagar", 9.4510, 77.5530, 130000, 1, "626"},
        {"Nagapattinam", "Nagapattinam", 10.7672, 79.8449, 102000, 1, "611"},
        {"Karaikudi", "Sivaganga", 10.0735, 78.7732, 106000, 1, "630"},
        {"Namakkal", "Namakkal", 11.2189, 78.1674, 55000, 1, "637"},
    };
    return v;
}

const std::vector<BrandInfo> &brands()
{
    static const std::vector<BrandInfo> v = {
        {"Nike", "NK", 0.20, {{"Air Force 1", "lifestyle", 7495}, {"Air Max 90", "lifestyle", 11895}, {"Air Jordan 1 Low", "basketball", 8995}, {"Pegasus 41", "running", 11895}, {"Dunk Low", "lifestyle", 8695}, {"Revolution 7", "running", 3695}, {"Invincible 3", "running", 16995}, {"Metcon 9", "training", 11495}, {"Blazer Mid 77", "lifestyle", 7795}, {"Court Vision", "lifestyle", 4995}}},
        {"Adidas", "AD", 0.17, {{"Samba OG", "lifestyle", 10999}, {"Ultraboost Light", "running", 17999}, {"Stan Smith", "lifestyle", 8999}, {"Gazelle", "lifestyle", 9999}, {"Superstar", "lifestyle", 8999}, {"Duramo SL", "running", 4599}, {"Adizero Adios Pro 3", "running", 19999}, {"Forum Low", "basketball", 9999}, {"Terrex Swift", "trail", 11999}, {"Adilette", "sandals", 2499}}},
        {"Puma", "PM", 0.13, {{"Suede Classic", "lifestyle", 6999}, {"RS-X", "lifestyle", 8999}, {"Velocity Nitro 3", "running", 11999}, {"Palermo", "lifestyle", 7999}, {"Softride", "running", 4499}, {"Smash v2", "lifestyle", 3999}, {"MB.03", "basketball", 13999}, {"Leadcat", "sandals", 1999}}},
        {"New Balance", "NB", 0.08, {{"550", "lifestyle", 11999}, {"574", "lifestyle", 9999}, {"9060", "lifestyle", 16999}, {"Fresh Foam 1080", "running", 15999}, {"FuelCell Rebel", "running", 13999}, {"327", "lifestyle", 9499}}},
        {"Asics", "AS", 0.07, {{"Gel-Kayano 31", "running", 15999}, {"Gel-Nimbus 26", "running", 14999}, {"Gel-1130", "lifestyle", 9999}, {"Novablast 4", "running", 12999}, {"Gel-Contend 8", "running", 4499}}},
        {"Skechers", "SK", 0.09, {{"Go Walk 7", "training", 5999}, {"D'Lites", "lifestyle", 6499}, {"Arch Fit", "training", 7999}, {"Max Cushioning", "running", 8999}, {"Uno", "lifestyle", 6999}}},
        {"Converse", "CV", 0.05, {{"Chuck Taylor All Star", "lifestyle", 4499}, {"Chuck 70", "lifestyle", 6999}, {"Run Star Hike", "lifestyle", 8999}, {"One Star", "skate", 6499}}},
        {"Vans", "VN", 0.05, {{"Old Skool", "skate", 5999}, {"Sk8-Hi", "skate", 6999}, {"Authentic", "skate", 4999}, {"Knu Skool", "skate", 7499}, {"Slip-On", "skate", 4999}}},
        {"Reebok", "RB", 0.04, {{"Club C 85", "lifestyle", 7999}, {"Classic Leather", "lifestyle", 7499}, {"Nano X4", "training", 11999}, {"Floatride Energy", "running", 8999}}},
        {"Jordan", "JD", 0.03, {{"Air Jordan 4 Retro", "basketball", 19295}, {"Air Jordan 11 Retro", "basketball", 20295}, {"Jordan Stadium 90", "lifestyle", 11295}, {"Luka 3", "basketball", 12995}}},
        {"Hoka", "HK", 0.02, {{"Clifton 9", "running", 14999}, {"Bondi 8", "running", 16999}, {"Speedgoat 6", "trail", 15999}}},
        {"On", "ON", 0.02, {{"Cloud 5", "running", 13999}, {"Cloudmonster", "running", 16999}, {"Cloudnova", "lifestyle", 15999}}},
        {"Campus", "CP", 0.03, {{"North Plus", "running", 1599}, {"Oxyfit", "running", 1899}, {"Camp-Vito", "lifestyle", 1499}, {"Hurricane", "sandals", 899}}},
        {"Bata", "BT", 0.02, {{"Power Rebound", "running", 2499}, {"North Star Sneaker", "lifestyle", 1999}, {"Comfit Sandal", "sandals", 1299}}},
    };
    return v;
}

const std::vector<const char *> &categories()
{
    static const std::vector<const char *> v = {"running", "basketball", "lifestyle", "skate", "training", "trail", "sandals"};
    return v;
}

const std::vector<const char *> &colourways()
{
    static const std::vector<const char *> v = {
        "Black/White", "Triple White", "Triple Black", "University Red/Black", "Navy/White", "Grey Fog",
        "Panda", "Royal Blue/White", "Sail/Gum", "Olive/Khaki", "Pink Foam", "Volt/Black",
        "Cream/Green", "Bred", "Chicago", "Mocha", "Sand/Brown", "Lilac", "Orange Blaze", "Teal/White",
        "Cloud White/Core Black", "Grey/Silver", "Black/Gum", "Burgundy", "Sky Blue", "Mint Green",
        "Desert Camo", "Reflective Silver", "Neon Yellow", "Maroon/Gold"};
    return v;
}

const std::vector<const char *> &materials()
{
    static const std::vector<const char *> v = {"leather", "mesh", "suede", "knit", "canvas", "synthetic", "nubuck", "rubber"};
    return v;
}

const std::vector<const char *> &first_names_male()
{
    static const std::vector<const char *> v = {
        "Arun", "Karthik", "Vignesh", "Suresh", "Ramesh", "Prakash", "Senthil", "Murugan", "Vijay", "Ajith",
        "Dinesh", "Gokul", "Hari", "Naveen", "Praveen", "Rajesh", "Saravanan", "Tamilselvan", "Balaji", "Manikandan",
        "Ashwin", "Bharath", "Deepak", "Ganesh", "Harish", "Kumar", "Lokesh", "Madhan", "Pradeep", "Sathish",
        "Siva", "Surya", "Vasanth", "Yuvan", "Aravind", "Jagan", "Kishore", "Mohan", "Raghav", "Vikram"};
    return v;
}

const std::vector<const char *> &first_names_female()
{
    static const std::vector<const char *> v = {
        "Priya", "Divya", "Lakshmi", "Meena", "Kavya", "Deepa", "Anitha", "Revathi", "Sangeetha", "Nandhini",
        "Aishwarya", "Bhavani", "Dharshini", "Gayathri", "Harini", "Janani", "Keerthana", "Madhumitha", "Pavithra", "Ramya",
        "Sowmya", "Swathi", "Thenmozhi", "Vaishnavi", "Yamini", "Abinaya", "Brindha", "Charulatha", "Indhu", "Kaviya",
        "Malathi", "Nithya", "Preethi", "Sandhya", "Shalini", "Sneha", "Subha", "Uma", "Vidhya", "Akshaya"};
    return v;
}

const std::vector<const char *> &last_names()
{
    static const std::vector<const char *> v = {
        "Kumar", "Raj", "Subramanian", "Krishnan", "Natarajan", "Murugesan", "Selvam", "Pandian", "Rajendran", "Srinivasan",
        "Venkatesan", "Ramasamy", "Shanmugam", "Arumugam", "Balasubramanian", "Chandrasekar", "Ganesan", "Iyer", "Jayaraman", "Karuppiah",
        "Mani", "Nagarajan", "Palanisamy", "Rajan", "Sundaram", "Thangaraj", "Velu", "Anand", "Durai", "Elango",
        "Govindan", "Kannan", "Loganathan", "Mohan", "Perumal", "Rangasamy", "Sekar", "Thirumalai", "Vel", "Ravi"};
    return v;
}

const std::vector<const char *> &store_localities()
{
    static const std::vector<const char *> v = {
        "T. Nagar", "Anna Nagar", "Velachery", "Adyar", "OMR", "Phoenix Marketcity", "Express Avenue", "Vadapalani",
        "Tambaram", "Porur", "Brookefields", "RS Puram", "Gandhipuram", "Saibaba Colony", "Peelamedu"};
    return v;
}

const std::vector<FestivalInfo> &festivals()
{
    static const std::vector<FestivalInfo> v = {
        {"pongal", days_from_civil(2024, 1, 15), 6, 1.9},
        {"tamil_new_year", days_from_civil(2024, 4, 14), 3, 1.35},
        {"independence_day", days_from_civil(2024, 8, 15), 3, 1.4},
        {"ayudha_pooja", days_from_civil(2024, 10, 11), 3, 1.35},
        {"diwali", days_from_civil(2024, 10, 31), 10, 2.6},
        {"christmas", days_from_civil(2024, 12, 25), 6, 1.45},
        {"pongal", days_from_civil(2025, 1, 14), 6, 1.9},
        {"tamil_new_year", days_from_civil(2025, 4, 14), 3, 1.35},
        {"independence_day", days_from_civil(2025, 8, 15), 3, 1.4},
        {"ayudha_pooja", days_from_civil(2025, 10, 1), 3, 1.35},
        {"diwali", days_from_civil(2025, 10, 20), 10, 2.6},
        {"christmas", days_from_civil(2025, 12, 25), 6, 1.45},
        {"pongal", days_from_civil(2026, 1, 14), 6, 1.9},
        {"tamil_new_year", days_from_civil(2026, 4, 14), 3, 1.35},
        {"independence_day", days_from_civil(2026, 8, 15), 3, 1.4},
        {"ayudha_pooja", days_from_civil(2026, 10, 19), 3, 1.35},
        {"diwali", days_from_civil(2026, 11, 8), 10, 2.6},
        {"christmas", days_from_civil(2026, 12, 25), 6, 1.45},
        {"pongal", days_from_civil(2027, 1, 14), 6, 1.9},
        {"tamil_new_year", days_from_civil(2027, 4, 14), 3, 1.35},
        {"independence_day", days_from_civil(2027, 8, 15), 3, 1.4},
        {"ayudha_pooja", days_from_civil(2027, 10, 8), 3, 1.35},
        {"diwali", days_from_civil(2027, 10, 29), 10, 2.6},
        {"christmas", days_from_civil(2027, 12, 25), 6, 1.45},
    };
    return v;
}

}  // namespace autopilot::etl
